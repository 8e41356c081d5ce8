import type { Site } from '@tidemark/core';
import { statsApi, metricOf } from '../api/stats';
import { useAsync } from '../lib/use-async';
import { formatNumber } from '../lib/format';
import { Sparkline } from '../charts/Sparkline';
import { Link } from './Link';
import type { ViewState } from '../lib/view-state';

const TODAY: ViewState = { period: 'today', compare: false, filters: [], metric: 'visitors', imported: true };

/** One site in the list: today's visitors and an hourly sparkline. */
export function SiteCard({ site }: { site: Site }) {
  const stats = useAsync((signal) => statsApi.overview(site.id, TODAY, ['visitors'], 'hour', signal), [site.id]);
  const visitors = metricOf(stats.data?.metrics?.visitors).value;
  const series = (stats.data?.timeseries ?? []).map((r) => Number(r.visitors ?? 0));
  return (
    <li className="site-card">
      <Link to={`/sites/${site.id}`} className="site-card-link">
        <span className="site-card-name">{site.name || site.domain}</span>
        <span className="site-card-domain muted">{site.domain}</span>
        <span className="site-card-stats">
          <span className="site-card-number" data-testid="site-today-visitors">
            {stats.error ? '–' : stats.loading && !stats.data ? '…' : formatNumber(visitors ?? 0)}
          </span>
          <span className="muted small">visitors today</span>
        </span>
        <Sparkline values={series} />
      </Link>
    </li>
  );
}
