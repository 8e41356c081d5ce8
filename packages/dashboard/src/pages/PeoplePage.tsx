import { useState, type FormEvent } from 'react';
import { SCORE_BUCKETS } from '@tidemark/core/rules';
import { sitesApi } from '../api/sites';
import { profilesApi } from '../api/profiles';
import { segmentsApi } from '../api/segments';
import { formatCount } from '../lib/format';
import { useAsync } from '../lib/use-async';
import { navigate, useLocation } from '../lib/router';
import {
  parsePeopleView,
  PEOPLE_PAGE_SIZE,
  profileLabel,
  serializePeopleView,
  TIMELINE_PAGE_SIZE,
  type PeopleView,
} from '../lib/people-view';
import { SiteHeader } from '../components/SiteHeader';
import { ErrorBanner } from '../components/ErrorBanner';
import { Link } from '../components/Link';
import { ProfileList } from '../components/ProfileList';
import { ProfileCard } from '../components/ProfileCard';
import { ProfileTimeline } from '../components/ProfileTimeline';
import { TraitBreakdown } from '../components/TraitBreakdown';
import { Pager } from '../components/Pager';

/** People: the searchable list of profiles; with a profile id, that profile and its timeline. State in the URL. */
export function PeoplePage({ siteId, pid }: { siteId: string; pid?: string }) {
  const { search } = useLocation();
  const view = parsePeopleView(search);
  const site = useAsync(() => sitesApi.get(siteId), [siteId]);
  const go = (next: Partial<PeopleView>, to = pid) =>
    navigate(`/sites/${siteId}/people${to ? `/${encodeURIComponent(to)}` : ''}${serializePeopleView({ ...view, ...next })}`);
  return (
    <section className="page wide">
      <SiteHeader site={site.data} siteId={siteId} />
      <ErrorBanner error={site.error} />
      {pid ? (
        <Profile siteId={siteId} pid={pid} view={view} go={go} />
      ) : (
        <>
          <p>
            <Link to={`/sites/${siteId}/segments`}>Behavioural segments</Link>
          </p>
          <People siteId={siteId} view={view} go={go} />
          <TraitBreakdown siteId={siteId} traitKey={view.trait} onKey={(trait) => go({ trait })} />
        </>
      )}
    </section>
  );
}

function People({ siteId, view, go }: { siteId: string; view: PeopleView; go: (n: Partial<PeopleView>) => void }) {
  const [text, setText] = useState('');
  // Kept here, not in the URL: a search may be a trait value (docs/people.md).
  const [search, setSearch] = useState('');
  const list = useAsync(
    (signal) => profilesApi.list(siteId, view, search, signal),
    [siteId, search, view.sort, view.page, view.visited, view.source, view.segment, view.score],
  );
  const segments = useAsync((signal) => segmentsApi.list(siteId, signal), [siteId]);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setSearch(text.trim());
    go({
      page: 0,
      visited: String(f.get('visited') ?? '').trim(),
      source: String(f.get('source') ?? '').trim(),
      segment: String(f.get('segment') ?? ''),
      score: String(f.get('score') ?? ''),
    });
  };
  const pages = list.data ? Math.ceil(list.data.total / PEOPLE_PAGE_SIZE) : 0;
  return (
    <section className="card" aria-label="People">
      <form className="toolbar" aria-label="Search people" onSubmit={submit}>
        <div className="field">
          <label htmlFor="people-search">Search</label>
          <input
            id="people-search"
            type="search"
            value={text}
            placeholder="User id or trait value"
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="people-visited">Visited page</label>
          <input id="people-visited" name="visited" defaultValue={view.visited} placeholder="/pricing" maxLength={500} />
        </div>
        <div className="field">
          <label htmlFor="people-source">Source</label>
          <input id="people-source" name="source" defaultValue={view.source} placeholder="Google" maxLength={500} />
        </div>
        <div className="field">
          <label htmlFor="people-segment">Segment</label>
          <select id="people-segment" name="segment" defaultValue={view.segment} key={`seg-${view.segment}-${segments.data ? 1 : 0}`}>
            <option value="">Any</option>
            {segments.data?.segments.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="people-score">Lead score</label>
          <select id="people-score" name="score" defaultValue={view.score} key={`score-${view.score}`}>
            <option value="">Any</option>
            {SCORE_BUCKETS.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="people-sort">Order</label>
          <select id="people-sort" value={view.sort} onChange={(e) => go({ sort: e.target.value as PeopleView['sort'], page: 0 })}>
            <option value="last_seen">Last seen</option>
            <option value="events">Most events</option>
            <option value="revenue">Most revenue</option>
            <option value="score">Highest score</option>
          </select>
        </div>
        <button type="submit" className="button">
          Search
        </button>
      </form>
      <ErrorBanner error={list.error} />
      {list.data && (
        <>
          <p className="muted small" data-testid="people-total">
            {formatCount(list.data.total)} {list.data.total === 1 ? 'person' : 'people'}: identified users with every device they signed in
            on, and anonymous visitors
            {view.visited || view.source || view.segment || view.score ? ', with a session in the last 12 months matching the filters' : ''}
          </p>
          <ProfileList siteId={siteId} data={list.data} suffix={serializePeopleView({ ...view, timelinePage: 0 })} />
          <Pager page={view.page} pages={pages} onPage={(page) => go({ page })} label="People pages" previous="Newer" next="Older" />
        </>
      )}
    </section>
  );
}

function Profile({ siteId, pid, view, go }: { siteId: string; pid: string; view: PeopleView; go: (n: Partial<PeopleView>) => void }) {
  const profile = useAsync((signal) => profilesApi.get(siteId, pid, signal), [siteId, pid]);
  const timeline = useAsync((signal) => profilesApi.timeline(siteId, pid, view.timelinePage, signal), [siteId, pid, view.timelinePage]);
  const pages = timeline.data ? Math.ceil(timeline.data.total / TIMELINE_PAGE_SIZE) : 0;
  return (
    <>
      <p>
        <Link to={`/sites/${siteId}/people${serializePeopleView({ ...view, timelinePage: 0 })}`}>← All people</Link>
      </p>
      <h2 data-testid="profile-name">{profileLabel(pid)}</h2>
      <ErrorBanner error={profile.error} />
      {profile.data && <ProfileCard siteId={siteId} profile={profile.data} />}
      <section className="card" aria-label="Timeline">
        <h2>Timeline</h2>
        <ErrorBanner error={timeline.error} />
        {timeline.data && <ProfileTimeline data={timeline.data} />}
        <Pager
          page={view.timelinePage}
          pages={pages}
          onPage={(timelinePage) => go({ timelinePage })}
          label="Timeline pages"
          previous="Newer"
          next="Older"
        />
      </section>
    </>
  );
}
