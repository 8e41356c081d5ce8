import { useEffect, useMemo, useRef, useState } from 'react';
import type { ReplayRecording } from '@tidemark/core';
import { replayApi } from '../api/replay';
import { useAsync } from '../lib/use-async';
import { ErrorBanner } from '../components/ErrorBanner';
import { formatDateTime } from '../lib/format';
import { formatOffset, markersOf, type RrwebEvent } from './markers';
import { PLAYER_FRAME_GLOBAL, type PlayerFrameApi } from './frame-api';

const SPEEDS = [1, 2, 4, 8];

/**
 * rrweb's Replayer with our own controls. The Replayer runs in player.html (frame-api.ts), and rebuilds the
 * recorded page inside it in an iframe sandboxed to `allow-same-origin` only: no script of the recorded page
 * runs, so hostile recorded content cannot act on the dashboard.
 */
export function RecordingPlayer({ siteId, recording }: { siteId: string; recording: ReplayRecording }) {
  const rid = recording.recording_id;
  const events = useAsync(
    async (signal) => (await replayApi.events(siteId, rid, signal)).sort((a, b) => a.timestamp - b.timestamp) as RrwebEvent[],
    [siteId, rid],
  );
  const session = useAsync((signal) => replayApi.sessionEvents(siteId, rid, signal), [siteId, rid]);
  const frame = useRef<HTMLIFrameElement>(null);
  const replayer = useRef<PlayerFrameApi | null>(null);
  const [frameReady, setFrameReady] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  const [skip, setSkip] = useState(true);
  const [now, setNow] = useState(0);
  const list = events.data;
  const total = list?.length ? list[list.length - 1]!.timestamp - list[0]!.timestamp : 0;
  const markers = useMemo(() => markersOf(list ?? []), [list]);
  const sessionEvents = useMemo(() => (session.data?.events ?? []).map((e, n) => ({ ...e, id: n })), [session.data]);

  useEffect(() => {
    const el = frame.current;
    const api = (el?.contentWindow as unknown as Record<string, PlayerFrameApi | undefined> | null)?.[PLAYER_FRAME_GLOBAL];
    if (!el || !api || !frameReady || !list || list.length < 2) return;
    api.load(list, {
      // Sized through the DOM (the dashboard's CSP allows that, not inline style attributes).
      resize: (_w, h) => {
        el.style.height = `${Math.ceil(h)}px`;
      },
      finish: () => setPlaying(false),
    });
    replayer.current = api;
    const tick = setInterval(() => setNow(api.currentTime()), 250);
    return () => {
      clearInterval(tick);
      replayer.current = null;
    };
  }, [list, frameReady]);

  const seek = (ms: number) => {
    const r = replayer.current;
    if (!r) return;
    if (playing) r.play(ms);
    else r.pause(ms);
    setNow(ms);
  };
  const toggle = () => {
    const r = replayer.current;
    if (!r) return;
    if (playing) r.pause();
    else r.play(now >= total ? 0 : now);
    setPlaying(!playing);
  };

  return (
    <section className="card replay-player" aria-label="Recording player" data-testid="replay-player">
      <h2>
        Recording of {formatDateTime(recording.started_at)} · {recording.pages.join(' → ')}
      </h2>
      <ErrorBanner error={events.error} />
      <div className="replay-layout">
        <div className="replay-main">
          <iframe
            ref={frame}
            src="/player.html"
            title="Recorded page"
            className="replay-stage"
            data-testid="replay-stage"
            onLoad={() => setFrameReady(true)}
          />
          <div className="replay-controls toolbar">
            <button type="button" className="button primary" onClick={toggle} disabled={!list}>
              {playing ? 'Pause' : 'Play'}
            </button>
            <label>
              Speed{' '}
              <select
                value={speed}
                onChange={(e) => {
                  setSpeed(Number(e.target.value));
                  replayer.current?.setConfig({ speed: Number(e.target.value) });
                }}
              >
                {SPEEDS.map((s) => (
                  <option key={s} value={s}>
                    {s}×
                  </option>
                ))}
              </select>
            </label>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={skip}
                onChange={(e) => {
                  setSkip(e.target.checked);
                  replayer.current?.setConfig({ skipInactive: e.target.checked });
                }}
              />
              <span>Skip inactivity</span>
            </label>
            <span className="muted" data-testid="replay-time">
              {formatOffset(now)} / {formatOffset(total)}
            </span>
          </div>
          <div className="replay-timeline">
            <input
              type="range"
              min={0}
              max={Math.max(1, total)}
              value={Math.min(now, total)}
              aria-label="Timeline"
              onChange={(e) => seek(Number(e.target.value))}
            />
            <div className="replay-markers">
              {markers.map((m) => (
                <button
                  key={m.id}
                  type="button"
                  className={`replay-marker marker-${m.kind}`}
                  style={{ left: `${total ? (m.at / total) * 100 : 0}%` }}
                  title={`${m.label} at ${formatOffset(m.at)}`}
                  aria-label={`${m.label} at ${formatOffset(m.at)}`}
                  onClick={() => seek(Math.min(total, m.at + 1))}
                />
              ))}
            </div>
          </div>
        </div>
        <aside className="replay-side" aria-label="Session events">
          <h3>Session events</h3>
          <ol className="replay-events">
            {sessionEvents.map((e) => {
              const at = list?.length ? e.ts - list[0]!.timestamp : 0;
              return (
                <li key={e.id}>
                  <button type="button" className="link" onClick={() => seek(Math.max(0, Math.min(total, at)))}>
                    {formatOffset(at)}
                  </button>{' '}
                  {e.name} <span className="muted">{e.path}</span>
                </li>
              );
            })}
          </ol>
        </aside>
      </div>
    </section>
  );
}
