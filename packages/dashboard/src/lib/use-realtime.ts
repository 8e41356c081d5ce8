import { useEffect, useState } from 'react';
import { statsApi } from '../api/stats';
import type { RealtimeSnapshot as Realtime } from '@tidemark/core';

/**
 * Live data for a site. Prefers the server-sent event stream; when it is unavailable (or errors) it
 * falls back to polling every `pollMs`, so updates arrive within a couple of seconds either way.
 */
export function useRealtime(
  siteId: string,
  pollMs = 2000,
  stream = false,
  initialDelayMs = 0,
): { data?: Realtime; error?: unknown; updatedAt?: number } {
  const [state, setState] = useState<{ data?: Realtime; error?: unknown; updatedAt?: number }>({});
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let source: EventSource | undefined;
    const set = (data: Realtime) => !stopped && setState({ data, updatedAt: Date.now() });

    const poll = async () => {
      try {
        set(await statsApi.realtime(siteId));
      } catch (error) {
        if (!stopped) setState((s) => ({ ...s, error }));
      }
      if (!stopped) timer = setTimeout(() => void poll(), pollMs);
    };

    if (stream && typeof EventSource === 'function') {
      let gotMessage = false;
      source = new EventSource(statsApi.realtimeStreamUrl(siteId));
      // The server names its frames `event: realtime`; unnamed frames are accepted too.
      const onFrame = (e: MessageEvent<string>) => {
        gotMessage = true;
        try {
          set(JSON.parse(e.data) as Realtime);
        } catch {
          /* ignore a malformed frame; the next one replaces it */
        }
      };
      source.addEventListener('realtime', onFrame as EventListener);
      source.onmessage = onFrame;
      source.onerror = () => {
        // A stream that never delivered (e.g. endpoint missing) is abandoned for polling;
        // one that did is left to the browser's own reconnect.
        if (!gotMessage) {
          source?.close();
          source = undefined;
          if (!stopped && timer === undefined) void poll();
        }
      };
      // Show something immediately rather than waiting for the first frame.
      void statsApi.realtime(siteId).then(set, () => undefined);
    } else if (initialDelayMs > 0) {
      timer = setTimeout(() => void poll(), initialDelayMs);
    } else {
      void poll();
    }
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      source?.close();
    };
  }, [siteId, pollMs, stream, initialDelayMs]);
  return state;
}
