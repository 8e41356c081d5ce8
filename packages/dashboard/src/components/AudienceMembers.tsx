import type { Audience } from '@tidemark/core';
import { audiencesApi } from '../api/audiences';
import { useAsync } from '../lib/use-async';
import { MEMBERS_PAGE_SIZE } from '../lib/audiences-view';
import { profileLabel } from '../lib/people-view';
import { Link } from './Link';
import { Pager } from './Pager';

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** An audience's members as of its last pass, newest first, each linking to the profile; a page in the URL. */
export function AudienceMembers({
  siteId,
  audience,
  page,
  onPage,
  version,
}: {
  siteId: string;
  audience: Audience;
  page: number;
  onPage: (p: number) => void;
  version: number;
}) {
  const list = useAsync(
    (signal) => audiencesApi.members(siteId, audience.id, page, MEMBERS_PAGE_SIZE, signal),
    [siteId, audience.id, page, version],
  );
  const pages = list.data ? Math.ceil(list.data.total / MEMBERS_PAGE_SIZE) : 0;
  return (
    <div data-testid="audience-members">
      {list.data && list.data.total === 0 && (
        <p className="muted">No members{audience.computed_at === null ? ' yet: not computed' : ''}.</p>
      )}
      {list.data && list.data.total > 0 && (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">E-mail</th>
              <th scope="col">Member since</th>
              <th scope="col">Last seen</th>
              <th scope="col">Score</th>
              <th scope="col">Revenue</th>
            </tr>
          </thead>
          <tbody>
            {list.data.members.map((m) => (
              <tr key={m.profile_id}>
                <td>
                  <Link to={`/sites/${siteId}/people/${encodeURIComponent(m.profile_id)}`}>{profileLabel(m.profile_id)}</Link>
                </td>
                <td>{m.email ?? ''}</td>
                <td>{day(m.since)}</td>
                <td>{day(m.last_seen)}</td>
                <td>{m.score}</td>
                <td>{m.revenue}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager page={page} pages={pages} onPage={onPage} label="Member pages" />
    </div>
  );
}
