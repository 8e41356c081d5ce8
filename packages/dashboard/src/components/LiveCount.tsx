import { Link } from './Link';
import { useRealtime } from '../lib/use-realtime';
import { formatNumber } from '../lib/format';

/** "3 current visitors" with a pulsing dot, linking to the realtime view. */
export function LiveCount({ siteId }: { siteId: string }) {
  const { data } = useRealtime(siteId, 10_000, false, 1500);
  if (!data) return null;
  return (
    <Link to={`/sites/${siteId}/realtime`} className="live-count" data-testid="live-count">
      <span className="pulse" aria-hidden="true" />
      {formatNumber(data.active_visitors)} current {data.active_visitors === 1 ? 'visitor' : 'visitors'}
    </Link>
  );
}
