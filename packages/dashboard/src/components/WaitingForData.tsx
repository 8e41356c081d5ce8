import { useEffect, useState } from 'react';
import { statsApi } from '../api/stats';

/** Polls realtime until the site's first event arrives, then turns green. */
export function WaitingForData({ siteId }: { siteId: string }) {
  const [received, setReceived] = useState(false);
  useEffect(() => {
    if (received) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const check = async () => {
      try {
        const rt = await statsApi.realtime(siteId);
        if (!stopped && (rt.active_visitors > 0 || rt.visitors_list?.length > 0)) {
          setReceived(true);
          return;
        }
      } catch {
        /* transient; keep polling */
      }
      if (!stopped) timer = setTimeout(() => void check(), 2000);
    };
    void check();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [siteId, received]);
  return (
    <div className={`waiting ${received ? 'waiting-ok' : ''}`} role="status" data-testid="first-event-status">
      <span className="waiting-dot" aria-hidden="true" />
      {received ? 'Receiving data — your first event arrived.' : 'Waiting for the first event…'}
    </div>
  );
}
