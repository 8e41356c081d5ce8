import type { PrivacySubject, SubjectKind } from '@tidemark/core';
import type { EventStore, SubjectRef } from '../store';

/** Everything a data subject is known by on a site: the lifecycle's refs and the strings raw bodies may carry. */
export interface ResolvedSubject {
  refs: SubjectRef[];
  /** User ids and the e-mail: what the raw layer and the quarantine are searched for (raw bodies carry no visitor id). */
  needles: string[];
  visitorIds: string[];
  userIds: string[];
}

export const subjectKind = (s: PrivacySubject): SubjectKind => ('user_id' in s ? 'user_id' : 'email' in s ? 'email' : 'visitor_id');
export const subjectValue = (s: PrivacySubject): string => ('user_id' in s ? s.user_id : 'email' in s ? s.email : s.visitor_id);

/** Shows enough of an identifier to recognise the request, not enough to be the identifier. */
export function maskSubject(s: PrivacySubject): string {
  const v = subjectValue(s);
  if ('email' in s) {
    const at = v.lastIndexOf('@');
    return `${v.slice(0, 1)}***${v.slice(at)}`;
  }
  return v.length <= 6 ? `${v.slice(0, 1)}***` : `${v.slice(0, 3)}…${v.slice(-2)}`;
}

type Pair = { visitor_id: string; user_id: string };

const EMAIL_RE = /[a-z0-9._%+-]{1,64}@[a-z0-9.-]{1,253}\.[a-z]{2,24}/gi;

/**
 * E-mail addresses in the subject's own event properties (identify traits): the raw layer and the
 * quarantine are searched for them too, since a payload that failed validation is not linked to a visitor.
 */
async function tracedEmails(events: EventStore, siteId: string, visitorIds: string[]): Promise<string[]> {
  if (!visitorIds.length) return [];
  const text = events.dialect === 'clickhouse' ? 'props' : 'CAST(props AS VARCHAR)';
  const rows = await events.query<{ p: string }>(
    `SELECT DISTINCT ${text} AS p FROM events WHERE site_id = ? AND visitor_id IN (${visitorIds.map(() => '?').join(', ')}) AND ${
      events.dialect === 'clickhouse' ? "position(props, '@') > 0" : "contains(CAST(props AS VARCHAR), '@')"
    }`,
    [siteId, ...visitorIds],
  );
  const out = new Set<string>();
  for (const r of rows) for (const m of String(r.p ?? '').matchAll(EMAIL_RE)) out.add(m[0].toLowerCase());
  return [...out];
}

/**
 * Finds the subject's visitor and user ids on the site. A user id covers the visitors seen with it; a
 * visitor id the user ids it signed in as; an e-mail the events whose user id is that address or whose
 * properties (identify traits) name it, and the payments whose keyed e-mail hash is its hash.
 */
export async function resolveSubject(
  events: EventStore,
  siteId: string,
  subject: PrivacySubject,
  emailHash?: (email: string) => string,
): Promise<ResolvedSubject> {
  const pairs: Pair[] = [];
  const add = (rows: Pair[]) =>
    pairs.push(...rows.map((r) => ({ visitor_id: String(r.visitor_id ?? ''), user_id: String(r.user_id ?? '') })));
  const select = 'SELECT DISTINCT visitor_id, user_id FROM events WHERE site_id = ?';
  if ('user_id' in subject) add(await events.query<Pair>(`${select} AND user_id = ?`, [siteId, subject.user_id]));
  else if ('visitor_id' in subject) add(await events.query<Pair>(`${select} AND visitor_id = ?`, [siteId, subject.visitor_id]));
  else {
    const email = subject.email.toLowerCase();
    const props = events.dialect === 'clickhouse' ? 'positionCaseInsensitive(props, ?) > 0' : 'contains(lower(CAST(props AS VARCHAR)), ?)';
    add(await events.query<Pair>(`${select} AND (lower(user_id) = ? OR ${props})`, [siteId, email, email]));
    if (emailHash) {
      const hash = emailHash(email);
      for (const table of ['transactions', 'revenue_facts'])
        add(
          await events.query<Pair>(
            `SELECT DISTINCT visitor_id, '' AS user_id FROM ${table} WHERE site_id = ? AND email_hash = ? AND visitor_id <> ''`,
            [siteId, hash],
          ),
        );
    }
  }
  const userIds = new Set(pairs.map((p) => p.user_id).filter(Boolean));
  const visitorIds = new Set(pairs.map((p) => p.visitor_id).filter(Boolean));
  if ('user_id' in subject) userIds.add(subject.user_id);
  if ('visitor_id' in subject) visitorIds.add(subject.visitor_id);
  const refs: SubjectRef[] = [...[...userIds].map((userId) => ({ userId })), ...[...visitorIds].map((visitorId) => ({ visitorId }))];
  const emails = new Set<string>('email' in subject ? [subject.email] : []);
  for (const e of await tracedEmails(events, siteId, [...visitorIds])) emails.add(e);
  const needles = [...userIds, ...emails];
  return { refs, needles, visitorIds: [...visitorIds], userIds: [...userIds] };
}
