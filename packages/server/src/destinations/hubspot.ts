import type { OutboundOptions } from '../outbound';
import { call, chunks, failure, stringProps } from './http';
import type { ActionPerson, DeliveryResult, ListChange } from './types';

/**
 * HubSpot's public CRM API (v3), authenticated with a private app token (`Authorization: Bearer …`):
 * contacts are upserted by e-mail (`POST /crm/v3/objects/contacts/batch/upsert`, `idProperty: "email"`,
 * at most 100 inputs a call), found by e-mail (`batch/read`, same limit), and list membership changed with
 * `PUT /crm/v3/lists/{listId}/memberships/add-and-remove` (record ids).
 */
export const HUBSPOT_BATCH = 100;

export interface ProviderConnection {
  base_url: string;
  token: string;
}

/** Traits sent as HubSpot's standard contact properties when an action names no map of its own. */
export const DEFAULT_HUBSPOT_PROPERTIES: Record<string, string> = {
  firstname: 'firstname',
  first_name: 'firstname',
  lastname: 'lastname',
  last_name: 'lastname',
  phone: 'phone',
  company: 'company',
  website: 'website',
  jobtitle: 'jobtitle',
  city: 'city',
  country: 'country',
};

/** The contact's properties: the e-mail, then each mapped trait the person has. */
export function hubspotProperties(person: ActionPerson, map: Record<string, string> = DEFAULT_HUBSPOT_PROPERTIES): Record<string, string> {
  const mapped: Record<string, unknown> = {};
  for (const [trait, property] of Object.entries(map)) if (person.traits[trait] !== undefined) mapped[property] = person.traits[trait];
  return { ...stringProps(mapped), email: person.email ?? '' };
}

const headers = (c: ProviderConnection) => ({
  authorization: `Bearer ${c.token}`,
  'content-type': 'application/json',
  accept: 'application/json',
});

const url = (c: ProviderConnection, path: string) => `${c.base_url.replace(/\/+$/, '')}${path}`;

type Ids = { ok: true; ids: string[] } | { ok: false; result: DeliveryResult };

async function batchIds(c: ProviderConnection, path: string, body: unknown, o: OutboundOptions, partialOk: boolean): Promise<Ids> {
  // batch/read answers 207 when some e-mails have no contact: those are simply not members.
  const r = await call(url(c, path), { method: 'POST', headers: headers(c), body: JSON.stringify(body) }, o, partialOk ? [207] : []);
  if (!r.ok) return r;
  try {
    const parsed = JSON.parse(r.res.body) as { results?: Array<{ id?: unknown }> };
    return { ok: true, ids: (parsed.results ?? []).map((x) => String(x.id ?? '')).filter(Boolean) };
  } catch {
    return { ok: false, result: failure(true, 'HubSpot answered with something other than JSON') };
  }
}

export function upsertContacts(c: ProviderConnection, inputs: Array<Record<string, string>>, o: OutboundOptions): Promise<Ids> {
  return batchIds(
    c,
    '/crm/v3/objects/contacts/batch/upsert',
    { inputs: inputs.map((properties) => ({ idProperty: 'email', id: properties.email, properties })) },
    o,
    false,
  );
}

export async function hubspotContact(
  c: ProviderConnection,
  person: ActionPerson,
  map: Record<string, string> | undefined,
  o: OutboundOptions,
): Promise<DeliveryResult> {
  if (!person.email) return failure(false, 'the person has no e-mail address (HubSpot contacts are matched by e-mail)');
  const r = await upsertContacts(c, [hubspotProperties(person, map)], o);
  return r.ok ? { ok: true, status: 200 } : r.result;
}

/** Upserts the added people (so they exist), finds the removed ones, then changes the list in runs of 100. */
export async function hubspotList(c: ProviderConnection, change: ListChange, o: OutboundOptions): Promise<DeliveryResult> {
  const listPath = `/crm/v3/lists/${encodeURIComponent(change.list_id)}/memberships/add-and-remove`;
  const put = async (recordIdsToAdd: string[], recordIdsToRemove: string[]): Promise<DeliveryResult | null> => {
    if (!recordIdsToAdd.length && !recordIdsToRemove.length) return null;
    const r = await call(
      url(c, listPath),
      { method: 'PUT', headers: headers(c), body: JSON.stringify({ recordIdsToAdd, recordIdsToRemove }) },
      o,
    );
    return r.ok ? null : r.result;
  };
  for (const batch of chunks(
    change.add.filter((p) => p.email),
    HUBSPOT_BATCH,
  )) {
    const up = await upsertContacts(
      c,
      batch.map((p) => hubspotProperties(p)),
      o,
    );
    if (!up.ok) return up.result;
    const err = await put(up.ids, []);
    if (err) return err;
  }
  for (const batch of chunks(
    change.remove.filter((p) => p.email),
    HUBSPOT_BATCH,
  )) {
    const found = await batchIds(
      c,
      '/crm/v3/objects/contacts/batch/read',
      { idProperty: 'email', properties: ['email'], inputs: batch.map((p) => ({ id: p.email })) },
      o,
      true,
    );
    if (!found.ok) return found.result;
    const err = await put([], found.ids);
    if (err) return err;
  }
  return { ok: true };
}

/** One harmless authenticated read: the first contact. */
export async function hubspotTest(c: ProviderConnection, o: OutboundOptions): Promise<DeliveryResult> {
  const r = await call(url(c, '/crm/v3/objects/contacts?limit=1'), { method: 'GET', headers: headers(c) }, o);
  return r.ok ? { ok: true, status: r.res.status } : r.result;
}
