import { useState } from 'react';
import { sitesApi } from '../api/sites';
import { segmentsApi } from '../api/segments';
import { useAsync } from '../lib/use-async';
import { canWrite, useSession } from '../app/session';
import { SiteHeader } from '../components/SiteHeader';
import { ErrorBanner } from '../components/ErrorBanner';
import { SegmentsTable } from '../components/SegmentsTable';
import { SegmentTraffic } from '../components/SegmentTraffic';
import { formatDateTime, formatNumber } from '../lib/format';

/** Behavioural segments (docs/segments.md): the model's segments, how k was chosen, and a training on demand. */
export function SegmentsPage({ siteId }: { siteId: string }) {
  const { org } = useSession();
  const site = useAsync(() => sitesApi.get(siteId), [siteId]);
  const [tick, setTick] = useState(0);
  const [trainError, setTrainError] = useState<unknown>();
  const list = useAsync((signal) => segmentsApi.list(siteId, signal), [siteId, tick]);
  const training = list.data?.status === 'training';
  // While a training runs, look again every second.
  useAsync(
    async (signal) => {
      await new Promise((ok) => setTimeout(ok, 1000));
      if (!signal.aborted) setTick((t) => t + 1);
    },
    [training, tick],
    training,
  );
  const train = async () => {
    setTrainError(undefined);
    try {
      await segmentsApi.train(siteId);
      setTick((t) => t + 1);
    } catch (err) {
      setTrainError(err);
    }
  };
  const d = list.data;
  return (
    <section className="page wide">
      <SiteHeader site={site.data} siteId={siteId} />
      <ErrorBanner error={site.error ?? list.error ?? trainError} />
      <section className="card" aria-label="Segments">
        <h2>Segments</h2>
        <p className="muted small">
          People grouped by behaviour (k-means on standardised sessions, page views, pages per visit, engaged time, recency, goals,
          identification and key pages). The number of segments is the one of 8–12 with the highest mean silhouette; segments keep their
          name when the model is trained again (daily).
        </p>
        {d && (
          <p data-testid="segments-status">
            {d.status === 'trained' && d.k !== null
              ? `${d.k} segments of ${formatNumber(d.people)} people, silhouette ${d.silhouette}, trained ${formatDateTime(d.trained_at)}`
              : d.status === 'training'
                ? 'Training…'
                : d.status === 'failed'
                  ? `The last training failed: ${d.error ?? ''}`
                  : 'Not trained yet.'}
          </p>
        )}
        {canWrite(org) && (
          <button className="button" type="button" onClick={train} disabled={training}>
            Train now
          </button>
        )}
        {d && d.segments.length > 0 && <SegmentsTable siteId={siteId} segments={d.segments} currency={site.data?.currency} />}
      </section>
      {d && d.status !== 'training' && d.segments.length > 0 && <SegmentTraffic siteId={siteId} segments={d.segments} />}
    </section>
  );
}
