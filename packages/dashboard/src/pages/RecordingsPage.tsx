import type { FormEvent } from 'react';
import { sitesApi } from '../api/sites';
import { replayApi } from '../api/replay';
import { useAsync } from '../lib/use-async';
import { navigate, useLocation } from '../lib/router';
import { formatDateTime, formatDuration } from '../lib/format';
import { SiteHeader } from '../components/SiteHeader';
import { FeatureOff } from '../components/FeatureOff';
import { ErrorBanner } from '../components/ErrorBanner';
import { Link } from '../components/Link';
import { listQuery, parseRecordingsView, serializeRecordingsView, withoutFunnel, type RecordingsView } from '../replay/view';
import { RecordingPlayer } from '../replay/RecordingPlayer';

const LIMIT = 25;

/** Session recordings: filters and the list (view in the URL), and the player for the one opened. */
export function RecordingsPage({ siteId }: { siteId: string }) {
  const { search } = useLocation();
  const view = parseRecordingsView(search);
  const site = useAsync(() => sitesApi.get(siteId), [siteId]);
  const q = listQuery(view, LIMIT);
  const list = useAsync((signal) => replayApi.list(siteId, q, signal), [siteId, JSON.stringify(q)]);
  const open = useAsync((signal) => replayApi.get(siteId, view.r, signal), [siteId, view.r], !!view.r);
  const href = (next: Partial<RecordingsView>) => `/sites/${siteId}/recordings${serializeRecordingsView({ ...view, ...next })}`;
  const update = (next: Partial<RecordingsView>) => navigate(href(next));

  const applyFilters = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = (k: string) => String(f.get(k) ?? '').trim();
    update({
      page: text('page'),
      country: text('country'),
      device: text('device'),
      browser: text('browser'),
      visitor_id: text('visitor_id'),
      min_duration: text('min_duration'),
      clicked_selector: text('clicked_selector'),
      has_rage_clicks: f.get('has_rage_clicks') === 'on',
      has_dead_clicks: f.get('has_dead_clicks') === 'on',
      has_errors: f.get('has_errors') === 'on',
      offset: 0,
    });
  };

  const data = list.data;
  const replayOff = site.data && !site.data.replay_enabled;
  return (
    <section className="page wide">
      <SiteHeader site={site.data} siteId={siteId} />
      {replayOff && <FeatureOff siteId={siteId} what="Session replay is" />}
      <ErrorBanner error={list.error ?? site.error ?? open.error} />
      {view.funnel_id && (
        <p className="banner" data-testid="funnel-drop-off">
          Sessions that reached step {view.funnel_step} of the funnel and not the next ({view.funnel_start_date} – {view.funnel_end_date}
          {view.funnel_filters ? ', with its filters' : ''}); the funnel's period applies.{' '}
          <Link to={`/sites/${siteId}/recordings${serializeRecordingsView(withoutFunnel(view))}`}>Show all recordings</Link>
        </p>
      )}
      {view.r && open.data && <RecordingPlayer key={view.r} siteId={siteId} recording={open.data} />}
      <form className="card replay-filters" aria-label="Recording filters" onSubmit={applyFilters} key={search}>
        <label>
          Period{' '}
          <select value={view.period} onChange={(e) => update({ period: e.target.value as RecordingsView['period'], offset: 0 })}>
            <option value="24h">Last 24 hours</option>
            <option value="7d">Last 7 days</option>
            <option value="30d">Last 30 days</option>
            <option value="90d">Last 90 days</option>
          </select>
        </label>
        <label>
          Page visited <input name="page" defaultValue={view.page} placeholder="/pricing" />
        </label>
        <label>
          Country <input name="country" defaultValue={view.country} placeholder="DE" size={3} />
        </label>
        <label>
          Device <input name="device" defaultValue={view.device} placeholder="desktop" size={8} />
        </label>
        <label>
          Browser <input name="browser" defaultValue={view.browser} placeholder="Chrome" size={8} />
        </label>
        <label>
          Visitor <input name="visitor_id" defaultValue={view.visitor_id} size={12} />
        </label>
        <label>
          Min. duration (s) <input name="min_duration" type="number" min={0} defaultValue={view.min_duration} size={5} />
        </label>
        <label>
          Clicked element <input name="clicked_selector" defaultValue={view.clicked_selector} placeholder="#buy" size={14} />
        </label>
        <label className="checkbox">
          <input type="checkbox" name="has_rage_clicks" defaultChecked={view.has_rage_clicks} /> <span>Rage clicks</span>
        </label>
        <label className="checkbox">
          <input type="checkbox" name="has_dead_clicks" defaultChecked={view.has_dead_clicks} /> <span>Dead clicks</span>
        </label>
        <label className="checkbox">
          <input type="checkbox" name="has_errors" defaultChecked={view.has_errors} /> <span>Errors</span>
        </label>
        <button type="submit" className="button">
          Apply
        </button>
      </form>
      <section className="card" aria-label="Recordings">
        <h2>Recordings {data && <span className="muted">({data.total})</span>}</h2>
        {data && data.recordings.length === 0 && <p className="muted">No recordings match.</p>}
        {data && data.recordings.length > 0 && (
          <table className="table" data-testid="recordings">
            <thead>
              <tr>
                <th>Started</th>
                <th>Visitor</th>
                <th>Duration</th>
                <th>Pages</th>
                <th>Entry page</th>
                <th>Country</th>
                <th>Device</th>
                <th>Browser</th>
                <th>Clicks</th>
                <th>Rage clicks</th>
                <th>Dead clicks</th>
                <th>Errors</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.recordings.map((r) => (
                <tr key={r.recording_id} aria-current={r.recording_id === view.r ? 'true' : undefined}>
                  <td>{formatDateTime(r.started_at)}</td>
                  <td>
                    <Link to={href({ visitor_id: r.visitor_id, offset: 0, r: '' })} title="This visitor's recordings">
                      {r.visitor_id.slice(0, 8)}
                    </Link>
                  </td>
                  <td>{formatDuration(r.duration_ms / 1000)}</td>
                  <td>{r.page_count}</td>
                  <td>{r.entry_page}</td>
                  <td>{r.country}</td>
                  <td>{r.device}</td>
                  <td>{r.browser}</td>
                  <td>{r.clicks}</td>
                  <td>{r.rage_clicks}</td>
                  <td>{r.dead_clicks}</td>
                  <td>{r.errors}</td>
                  <td>
                    <Link to={href({ r: r.recording_id })}>Watch</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {data && (data.offset > 0 || data.offset + data.recordings.length < data.total) && (
          <div className="row">
            {data.offset > 0 && (
              <button type="button" className="button" onClick={() => update({ offset: Math.max(0, data.offset - LIMIT) })}>
                Previous
              </button>
            )}
            {data.offset + data.recordings.length < data.total && (
              <button type="button" className="button" onClick={() => update({ offset: data.offset + LIMIT })}>
                Next
              </button>
            )}
          </div>
        )}
      </section>
    </section>
  );
}
