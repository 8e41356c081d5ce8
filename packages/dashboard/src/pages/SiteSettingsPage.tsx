import { useState, type FormEvent } from 'react';
import { sitesApi } from '../api/sites';
import { useAsync } from '../lib/use-async';
import { SiteHeader } from '../components/SiteHeader';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { TextArea } from '../components/TextArea';
import { Checkbox } from '../components/Checkbox';
import { TimezoneSelect } from '../components/TimezoneSelect';
import { DeleteSite } from '../components/DeleteSite';
import { RevenueSetup } from '../components/RevenueSetup';
import { GoalSettings } from '../components/GoalSettings';
import { ShareSettings } from '../components/ShareSettings';
import { AlertSettings } from '../components/AlertSettings';
import { ReplaySettings } from '../replay/ReplaySettings';
import { ScoringSettings } from '../components/ScoringSettings';
import { LeadModelSettings } from '../components/LeadModelSettings';
import { PeopleSettings } from '../components/PeopleSettings';
import { ReportSettings } from '../components/ReportSettings';
import { DropinSnippets } from '../components/DropinSnippets';
import { ImportsCard } from '../components/ImportsCard';
import { ConnectionsCard } from '../components/ConnectionsCard';
import { Link } from '../components/Link';
import { canAdmin, canWrite, useSession } from '../app/session';

const lines = (v: FormDataEntryValue | null) =>
  String(v ?? '')
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);

export function SiteSettingsPage({ siteId }: { siteId: string }) {
  const { org } = useSession();
  const site = useAsync(() => sitesApi.get(siteId), [siteId]);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const manage = canWrite(org);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setError(undefined);
    setSaved(false);
    try {
      await sitesApi.update(siteId, {
        name: String(f.get('name')),
        domain: String(f.get('domain')).trim(),
        allowed_hosts: lines(f.get('allowed_hosts')),
        timezone: String(f.get('timezone')),
        session_timeout_min: Number(f.get('session_timeout_min')),
        retention_days: Number(f.get('retention_days')),
        respect_dnt: f.get('respect_dnt') === 'on',
        cookieless: f.get('cookieless') === 'on',
        excluded_paths: lines(f.get('excluded_paths')),
        excluded_ips: lines(f.get('excluded_ips')),
        heatmaps_enabled: f.get('heatmaps_enabled') === 'on',
        heatmap_sample_rate: Number(f.get('heatmap_sample_rate')) / 100,
        vitals_enabled: f.get('vitals_enabled') === 'on',
        errors_enabled: f.get('errors_enabled') === 'on',
      });
      setSaved(true);
      site.reload();
    } catch (err) {
      setError(err);
    }
  };

  const s = site.data;
  return (
    <section className="page wide">
      <SiteHeader site={s} siteId={siteId} />
      <ErrorBanner error={site.error} />
      {!manage && <p className="banner">You can view this site’s statistics but not change its settings.</p>}
      {s && (
        <>
          <form
            className="card stack"
            onSubmit={(e) => void submit(e)}
            aria-labelledby="site-settings-title"
            key={s.id + String(s.created_at)}
          >
            <h2 id="site-settings-title">General</h2>
            <fieldset disabled={!manage} className="stack">
              <Field label="Name" name="name" defaultValue={s.name} />
              <Field label="Domain" name="domain" defaultValue={s.domain} required />
              <TextArea
                label="Allowed hosts"
                name="allowed_hosts"
                defaultValue={s.allowed_hosts.join('\n')}
                hint="Other hostnames that may send events for this site, one per line. Subdomains of the domain are always allowed."
              />
              <TimezoneSelect name="timezone" defaultValue={s.timezone} />
              <Field
                label="Session timeout (minutes)"
                name="session_timeout_min"
                type="number"
                min={1}
                max={1440}
                defaultValue={s.session_timeout_min}
              />
              <h2>Privacy</h2>
              <Checkbox
                label="Cookieless visitor counting"
                name="cookieless"
                defaultChecked={s.cookieless}
                hint="Visitors are counted with a daily rotating hash; nothing is stored in the browser."
              />
              <Checkbox label="Respect Do Not Track and Global Privacy Control" name="respect_dnt" defaultChecked={s.respect_dnt} />
              <TextArea
                label="Excluded paths"
                name="excluded_paths"
                defaultValue={s.excluded_paths.join('\n')}
                hint="Patterns like /admin/* — matching pageviews are not recorded."
              />
              <TextArea
                label="Excluded IP addresses"
                name="excluded_ips"
                defaultValue={s.excluded_ips.join('\n')}
                hint="IPs or CIDR ranges, one per line."
              />
              <Field
                label="Data retention (days)"
                name="retention_days"
                type="number"
                min={0}
                defaultValue={s.retention_days}
                hint="0 keeps data forever."
              />
              <h2>Behaviour</h2>
              <Checkbox
                label="Heatmaps and frustration signals"
                name="heatmaps_enabled"
                defaultChecked={s.heatmaps_enabled}
                hint="Clicks, mouse moves, scroll depth, rage and dead clicks. The snippet stays the same."
              />
              <Field
                label="Heatmap sessions (%)"
                name="heatmap_sample_rate"
                type="number"
                min={0}
                max={100}
                step="any"
                defaultValue={Math.round(s.heatmap_sample_rate * 1000) / 10}
              />
              <Checkbox label="Web vitals (LCP, INP, CLS, FCP, TTFB)" name="vitals_enabled" defaultChecked={s.vitals_enabled} />
              <Checkbox label="JavaScript errors" name="errors_enabled" defaultChecked={s.errors_enabled} />
            </fieldset>
            <ErrorBanner error={error} />
            {saved && (
              <p role="status" className="banner banner-ok">
                Settings saved.
              </p>
            )}
            {manage && (
              <div className="row">
                <button type="submit" className="button primary">
                  Save settings
                </button>
                <Link to={`/sites/${siteId}/install`}>Tracking snippet</Link>
              </div>
            )}
          </form>
          <RevenueSetup siteId={siteId} configured={!!s.stripe_webhook_configured} onSaved={site.reload} canEdit={manage} />
          <GoalSettings siteId={siteId} canEdit={manage} />
          <ScoringSettings siteId={siteId} canEdit={manage} />
          <LeadModelSettings siteId={siteId} canEdit={manage} />
          <ShareSettings siteId={siteId} canEdit={manage} />
          <AlertSettings siteId={siteId} canEdit={manage} />
          <ReplaySettings site={s} canEdit={manage} onSaved={site.reload} />
          <PeopleSettings site={s} canEdit={manage} onSaved={site.reload} />
          <ReportSettings siteId={siteId} canEdit={manage} />
          <DropinSnippets siteId={siteId} />
          {canAdmin(org) && <ConnectionsCard siteId={s.id} />}
          {canAdmin(org) && <ImportsCard siteId={s.id} />}
          {canAdmin(org) && <DeleteSite site={s} />}
        </>
      )}
    </section>
  );
}
