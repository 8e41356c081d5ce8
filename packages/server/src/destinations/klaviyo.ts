import type { OutboundOptions } from '../outbound';
import { call, chunks, failure } from './http';
import type { ProviderConnection } from './hubspot';
import type { ActionPerson, DeliveryContext, DeliveryResult, ListChange } from './types';

/**
 * Klaviyo's public API (JSON:API; `Authorization: Klaviyo-API-Key <private key>`, a `revision` header):
 * profiles upserted with `POST /api/profile-import`, events with `POST /api/events` (`unique_id` = our
 * idempotency key, so a repeat is dropped there), list additions as a bulk profile import job with the list
 * as relationship (at most 10,000 profiles a job), list removals by profile id
 * (`DELETE /api/lists/{id}/relationships/profiles`, ids found with `GET /api/profiles?filter=any(email,[…])`,
 * 100 a page).
 */
export const KLAVIYO_REVISION = '2024-10-15';
export const KLAVIYO_IMPORT_BATCH = 10_000;
export const KLAVIYO_LOOKUP_BATCH = 100;
/** A bulk import job's body may not exceed 5 MB; batches stop short of it. */
export const KLAVIYO_IMPORT_BYTES = 4_500_000;

/** Runs of at most `count` items whose JSON stays under `bytes` together. */
function sizedChunks<T>(items: T[], count: number, bytes: number): T[][] {
  const out: T[][] = [];
  let run: T[] = [];
  let size = 0;
  for (const item of items) {
    const n = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (run.length && (run.length >= count || size + n > bytes)) {
      out.push(run);
      run = [];
      size = 0;
    }
    run.push(item);
    size += n;
  }
  if (run.length) out.push(run);
  return out;
}

const headers = (c: ProviderConnection) => ({
  authorization: `Klaviyo-API-Key ${c.token}`,
  revision: KLAVIYO_REVISION,
  accept: 'application/vnd.api+json',
  'content-type': 'application/vnd.api+json',
});

const url = (c: ProviderConnection, path: string) => `${c.base_url.replace(/\/+$/, '')}${path}`;

/** Traits that are Klaviyo's own profile attributes; every other trait goes to `properties`. */
const ATTRIBUTES: Record<string, string> = {
  first_name: 'first_name',
  firstname: 'first_name',
  last_name: 'last_name',
  lastname: 'last_name',
  organization: 'organization',
  company: 'organization',
  title: 'title',
};

/** A profile's attributes: identifiers (e-mail, the user id as external id), named attributes, the rest as properties. */
export function klaviyoProfile(person: ActionPerson): Record<string, unknown> {
  const attrs: Record<string, unknown> = {};
  const properties: Record<string, unknown> = { tidemark_profile_id: person.profile_id };
  if (person.email) attrs.email = person.email;
  if (person.user_id) attrs.external_id = person.user_id;
  for (const [k, v] of Object.entries(person.traits)) {
    if (v === null || v === undefined || k === 'email') continue;
    if (ATTRIBUTES[k]) attrs[ATTRIBUTES[k]] = String(v);
    else properties[k] = v;
  }
  return { ...attrs, properties };
}

const identified = (p: ActionPerson) => Boolean(p.email || p.user_id);
const noIdentifier = () => failure(false, 'the person has neither an e-mail address nor a user id (Klaviyo needs one)');

const post = async (c: ProviderConnection, path: string, body: unknown, o: OutboundOptions): Promise<DeliveryResult> => {
  const r = await call(url(c, path), { method: 'POST', headers: headers(c), body: JSON.stringify(body) }, o);
  return r.ok ? { ok: true, status: r.res.status } : r.result;
};

export function klaviyoProfileUpsert(c: ProviderConnection, person: ActionPerson, o: OutboundOptions): Promise<DeliveryResult> {
  if (!identified(person)) return Promise.resolve(noIdentifier());
  return post(c, '/api/profile-import', { data: { type: 'profile', attributes: klaviyoProfile(person) } }, o);
}

export function klaviyoEvent(
  c: ProviderConnection,
  metric: string,
  person: ActionPerson,
  ctx: DeliveryContext,
  o: OutboundOptions,
  now: () => number,
): Promise<DeliveryResult> {
  if (!identified(person)) return Promise.resolve(noIdentifier());
  if (!metric.trim()) return Promise.resolve(failure(false, 'the Klaviyo event has no metric name'));
  const ev = ctx.event ?? null;
  const properties = {
    ...(ev?.props ?? {}),
    ...(ctx.data ?? {}),
    reason: ctx.reason,
    ...(ev ? { event: ev.name, path: ev.path ?? null } : {}),
  };
  const profile = klaviyoProfile(person);
  const body = {
    data: {
      type: 'event',
      attributes: {
        properties,
        time: new Date(ev?.ts ?? now()).toISOString(),
        unique_id: ctx.idempotency_key,
        metric: { data: { type: 'metric', attributes: { name: metric.trim() } } },
        profile: { data: { type: 'profile', attributes: { email: profile.email, external_id: profile.external_id } } },
      },
    },
  };
  return post(c, '/api/events', body, o);
}

/** Profile ids of the given e-mails (those Klaviyo does not know are left out). */
async function profileIds(
  c: ProviderConnection,
  emails: string[],
  o: OutboundOptions,
): Promise<{ ok: true; ids: string[] } | { ok: false; result: DeliveryResult }> {
  const q = new URLSearchParams({
    filter: `any(email,[${emails.map((e) => JSON.stringify(e)).join(',')}])`,
    'page[size]': String(KLAVIYO_LOOKUP_BATCH),
    'fields[profile]': 'email',
  });
  const r = await call(url(c, `/api/profiles?${q}`), { method: 'GET', headers: headers(c) }, o);
  if (!r.ok) return r;
  try {
    const parsed = JSON.parse(r.res.body) as { data?: Array<{ id?: unknown }> };
    return { ok: true, ids: (parsed.data ?? []).map((x) => String(x.id ?? '')).filter(Boolean) };
  } catch {
    return { ok: false, result: failure(true, 'Klaviyo answered with something other than JSON') };
  }
}

export async function klaviyoList(c: ProviderConnection, change: ListChange, o: OutboundOptions): Promise<DeliveryResult> {
  const listPath = `/api/lists/${encodeURIComponent(change.list_id)}/relationships/profiles`;
  const profiles = change.add.filter((p) => p.email).map((p) => ({ type: 'profile', attributes: klaviyoProfile(p) }));
  for (const batch of sizedChunks(profiles, KLAVIYO_IMPORT_BATCH, KLAVIYO_IMPORT_BYTES)) {
    const r = await post(
      c,
      '/api/profile-bulk-import-jobs',
      {
        data: {
          type: 'profile-bulk-import-job',
          attributes: { profiles: { data: batch } },
          relationships: { lists: { data: [{ type: 'list', id: change.list_id }] } },
        },
      },
      o,
    );
    if (!r.ok) return r;
  }
  for (const batch of chunks(
    change.remove.filter((p) => p.email).map((p) => p.email as string),
    KLAVIYO_LOOKUP_BATCH,
  )) {
    const found = await profileIds(c, batch, o);
    if (!found.ok) return found.result;
    if (!found.ids.length) continue;
    const r = await call(
      url(c, listPath),
      { method: 'DELETE', headers: headers(c), body: JSON.stringify({ data: found.ids.map((id) => ({ type: 'profile', id })) }) },
      o,
    );
    if (!r.ok) return r.result;
  }
  return { ok: true };
}

/** One harmless authenticated read: the account the key belongs to. */
export async function klaviyoTest(c: ProviderConnection, o: OutboundOptions): Promise<DeliveryResult> {
  const r = await call(url(c, '/api/accounts'), { method: 'GET', headers: headers(c) }, o);
  return r.ok ? { ok: true, status: r.res.status } : r.result;
}
