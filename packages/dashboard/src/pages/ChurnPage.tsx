import { useState } from 'react';
import { sitesApi } from '../api/sites';
import { lifetimeApi } from '../api/lifetime';
import { errorMessage } from '../api/client';
import { useAsync } from '../lib/use-async';
import { navigate, useLocation } from '../lib/router';
import { AT_RISK_PAGE_SIZE, parseChurnView, serializeChurnView } from '../lib/churn-view';
import { canWrite, useSession } from '../app/session';
import { SiteHeader } from '../components/SiteHeader';
import { ErrorBanner } from '../components/ErrorBanner';
import { ChurnModelCard } from '../components/ChurnModelCard';
import { AtRiskTable } from '../components/AtRiskTable';
import { LtvDistribution } from '../components/LtvDistribution';
import { Pager } from '../components/Pager';

/** Churn & lifetime value: the model's quality, the people at risk (paged, `?p=`), the value distribution. */
export function ChurnPage({ siteId }: { siteId: string }) {
  const { search } = useLocation();
  const view = parseChurnView(search);
  const { org } = useSession();
  const site = useAsync(() => sitesApi.get(siteId), [siteId]);
  const model = useAsync((signal) => lifetimeApi.model(siteId, signal), [siteId]);
  const risk = useAsync(
    (signal) => lifetimeApi.atRisk(siteId, view.page, AT_RISK_PAGE_SIZE, signal),
    [siteId, view.page, model.data?.trained_at],
  );
  const [trainError, setTrainError] = useState<string | null>(null);
  const train = async () => {
    setTrainError(null);
    try {
      await lifetimeApi.train(siteId);
      model.reload();
      // Training runs in the background: look again until it has finished.
      const poll = async () => {
        for (let i = 0; i < 60; i++) {
          await new Promise((r) => setTimeout(r, 1000));
          const m = await lifetimeApi.model(siteId);
          if (m.status !== 'training') break;
        }
        model.reload();
      };
      void poll();
    } catch (err) {
      setTrainError(errorMessage(err));
    }
  };
  const pages = risk.data ? Math.ceil(risk.data.total / AT_RISK_PAGE_SIZE) : 0;
  const go = (page: number) => navigate(`/sites/${siteId}/churn${serializeChurnView({ page })}`);
  return (
    <section className="page wide">
      <SiteHeader site={site.data} siteId={siteId} />
      <ErrorBanner error={site.error ?? model.error ?? trainError} />
      {model.data && <ChurnModelCard model={model.data} canTrain={canWrite(org)} onTrain={train} />}
      <section className="card" aria-label="People at risk">
        <h2>People at risk{risk.data ? ` (${risk.data.total})` : ''}</h2>
        <ErrorBanner error={risk.error} />
        {risk.data && <AtRiskTable siteId={siteId} data={risk.data} />}
        <Pager page={view.page} pages={pages} onPage={go} label="At-risk pages" />
      </section>
      <section className="card" aria-label="Lifetime value">
        <h2>Expected lifetime value (12 months)</h2>
        {risk.data && <LtvDistribution data={risk.data} />}
      </section>
    </section>
  );
}
