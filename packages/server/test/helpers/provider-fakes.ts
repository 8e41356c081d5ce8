import type { Answer, RecordedRequest } from './http-recorder';

/**
 * Stand-ins for HubSpot's and Klaviyo's public APIs, as their reference documents them: each request's
 * method, path, headers and JSON shape is checked (a malformed one is answered 400 as the provider would),
 * batch limits are enforced, and state (contacts, profiles, lists, events) is kept so tests can compare it
 * with what they expect. `failNext` makes the next requests fail with a chosen status (429, 500 …).
 */

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const parse = (body: string): unknown => {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
};

export class HubSpotFake {
  readonly contacts = new Map<string, { id: string; properties: Record<string, string> }>();
  readonly lists = new Map<string, Set<string>>();
  readonly problems: string[] = [];
  private failures: Answer[] = [];
  private nextId = 1000;

  constructor(
    readonly token: string,
    listIds: string[],
  ) {
    for (const id of listIds) this.lists.set(id, new Set());
  }

  failNext(...answers: Answer[]): void {
    this.failures.push(...answers);
  }

  private bad(message: string): Answer {
    this.problems.push(message);
    return { status: 400, body: { status: 'error', message, category: 'VALIDATION_ERROR' } };
  }

  handle = (req: RecordedRequest): Answer => {
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return {
        status: 401,
        body: { status: 'error', message: 'Authentication credentials not found.', category: 'INVALID_AUTHENTICATION' },
      };
    const failure = this.failures.shift();
    if (failure) return failure;
    const url = new URL(req.url, 'http://x');
    const body = req.body ? parse(req.body) : undefined;
    if (req.method !== 'GET' && req.headers['content-type'] !== 'application/json')
      return this.bad('content-type must be application/json');

    if (req.method === 'GET' && url.pathname === '/crm/v3/objects/contacts') {
      if (url.searchParams.get('limit') !== '1') return this.bad('expected limit=1');
      return { status: 200, body: { results: [...this.contacts.values()].slice(0, 1) } };
    }
    if (req.method === 'POST' && url.pathname === '/crm/v3/objects/contacts/batch/upsert') {
      if (!isObj(body) || !Array.isArray(body.inputs)) return this.bad('inputs must be an array');
      if (body.inputs.length < 1 || body.inputs.length > 100) return this.bad(`batch of ${body.inputs.length}: 1 to 100 inputs`);
      const results = [];
      for (const input of body.inputs) {
        if (!isObj(input) || input.idProperty !== 'email' || typeof input.id !== 'string' || !isObj(input.properties))
          return this.bad('each input needs idProperty "email", id and properties');
        if (!Object.values(input.properties).every((v) => typeof v === 'string')) return this.bad('property values are strings');
        const email = input.id.toLowerCase();
        const known = this.contacts.get(email);
        const contact = known ?? { id: String(this.nextId++), properties: {} };
        contact.properties = { ...contact.properties, ...(input.properties as Record<string, string>), email };
        this.contacts.set(email, contact);
        results.push({ id: contact.id, properties: contact.properties, new: !known });
      }
      return {
        status: 200,
        body: { status: 'COMPLETE', results, startedAt: new Date().toISOString(), completedAt: new Date().toISOString() },
      };
    }
    if (req.method === 'POST' && url.pathname === '/crm/v3/objects/contacts/batch/read') {
      if (!isObj(body) || body.idProperty !== 'email' || !Array.isArray(body.inputs)) return this.bad('idProperty "email" and inputs');
      if (body.inputs.length < 1 || body.inputs.length > 100) return this.bad(`batch of ${body.inputs.length}: 1 to 100 inputs`);
      const results = [];
      const errors = [];
      for (const input of body.inputs) {
        if (!isObj(input) || typeof input.id !== 'string') return this.bad('each input needs an id');
        const c = this.contacts.get(input.id.toLowerCase());
        if (c) results.push({ id: c.id, properties: { email: c.properties.email } });
        else
          errors.push({
            status: 'error',
            category: 'OBJECT_NOT_FOUND',
            message: 'Could not get some CONTACT objects',
            context: { ids: [input.id] },
          });
      }
      return {
        status: errors.length ? 207 : 200,
        body: { status: 'COMPLETE', results, ...(errors.length ? { errors, numErrors: errors.length } : {}) },
      };
    }
    const m = /^\/crm\/v3\/lists\/([^/]+)\/memberships\/add-and-remove$/.exec(url.pathname);
    if (req.method === 'PUT' && m) {
      const list = this.lists.get(decodeURIComponent(m[1]!));
      if (!list) return { status: 404, body: { status: 'error', message: 'List not found', category: 'OBJECT_NOT_FOUND' } };
      if (!isObj(body) || !Array.isArray(body.recordIdsToAdd) || !Array.isArray(body.recordIdsToRemove))
        return this.bad('recordIdsToAdd and recordIdsToRemove arrays');
      const ids = new Set([...this.contacts.values()].map((c) => c.id));
      const missing: string[] = [];
      for (const id of body.recordIdsToAdd as unknown[]) {
        if (typeof id !== 'string') return this.bad('record ids are strings');
        if (ids.has(id)) list.add(id);
        else missing.push(id);
      }
      for (const id of body.recordIdsToRemove as unknown[]) {
        if (typeof id !== 'string') return this.bad('record ids are strings');
        list.delete(id);
      }
      return {
        status: 200,
        body: { recordIdsAdded: body.recordIdsToAdd, recordIdsRemoved: body.recordIdsToRemove, recordIdsMissing: missing },
      };
    }
    return { status: 404, body: { status: 'error', message: `no route ${req.method} ${url.pathname}`, category: 'OBJECT_NOT_FOUND' } };
  };

  /** E-mails of a list's members. */
  members(listId: string): string[] {
    const ids = this.lists.get(listId) ?? new Set();
    return [...this.contacts.entries()]
      .filter(([, c]) => ids.has(c.id))
      .map(([e]) => e)
      .sort();
  }
}

export class KlaviyoFake {
  readonly profiles = new Map<string, { id: string; attributes: Record<string, unknown> }>();
  readonly lists = new Map<string, Set<string>>();
  readonly events: Array<{
    metric: string;
    unique_id: string;
    profile: Record<string, unknown>;
    properties: Record<string, unknown>;
    time: string;
  }> = [];
  readonly jobs: number[] = [];
  readonly problems: string[] = [];
  private failures: Answer[] = [];
  private nextId = 1;

  constructor(
    readonly key: string,
    listIds: string[],
  ) {
    for (const id of listIds) this.lists.set(id, new Set());
  }

  failNext(...answers: Answer[]): void {
    this.failures.push(...answers);
  }

  private error(status: number, detail: string): Answer {
    if (status === 400) this.problems.push(detail);
    return {
      status,
      body: { errors: [{ id: 'e1', status, code: status === 401 ? 'not_authenticated' : 'invalid', title: 'Error', detail }] },
    };
  }

  private upsert(attrs: Record<string, unknown>): { id: string; created: boolean } {
    const key = String(attrs.email ?? `ext:${attrs.external_id}`).toLowerCase();
    const known = this.profiles.get(key);
    const p = known ?? { id: `01PROF${String(this.nextId++).padStart(6, '0')}`, attributes: {} };
    p.attributes = { ...p.attributes, ...attrs };
    this.profiles.set(key, p);
    return { id: p.id, created: !known };
  }

  private validProfile(attrs: unknown): attrs is Record<string, unknown> {
    return (
      isObj(attrs) && (typeof attrs.email === 'string' || typeof attrs.external_id === 'string' || typeof attrs.phone_number === 'string')
    );
  }

  handle = (req: RecordedRequest): Answer => {
    if (req.headers.authorization !== `Klaviyo-API-Key ${this.key}`) return this.error(401, 'Missing or invalid private key.');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(String(req.headers.revision ?? ''))) return this.error(400, 'revision header missing or malformed');
    if (req.headers.accept !== 'application/vnd.api+json') return this.error(400, 'accept must be application/vnd.api+json');
    const failure = this.failures.shift();
    if (failure) return failure;
    const url = new URL(req.url, 'http://x');
    const body = req.body ? parse(req.body) : undefined;
    if (req.body && req.headers['content-type'] !== 'application/vnd.api+json')
      return this.error(400, 'content-type must be application/vnd.api+json');
    const data = isObj(body) ? body.data : undefined;

    if (req.method === 'GET' && url.pathname === '/api/accounts') return { status: 200, body: { data: [{ type: 'account', id: 'ACC1' }] } };
    if (req.method === 'POST' && url.pathname === '/api/profile-import') {
      if (!isObj(data) || data.type !== 'profile' || !this.validProfile(data.attributes))
        return this.error(400, 'a profile with an identifier');
      const r = this.upsert(data.attributes);
      return { status: r.created ? 201 : 200, body: { data: { type: 'profile', id: r.id, attributes: data.attributes } } };
    }
    if (req.method === 'POST' && url.pathname === '/api/events') {
      if (!isObj(data) || data.type !== 'event' || !isObj(data.attributes)) return this.error(400, 'an event');
      const a = data.attributes;
      const metric =
        isObj(a.metric) && isObj(a.metric.data) && a.metric.data.type === 'metric' && isObj(a.metric.data.attributes)
          ? a.metric.data.attributes.name
          : undefined;
      const profile =
        isObj(a.profile) && isObj(a.profile.data) && a.profile.data.type === 'profile' ? a.profile.data.attributes : undefined;
      if (typeof metric !== 'string' || !metric) return this.error(400, 'metric.data.attributes.name');
      if (!this.validProfile(profile)) return this.error(400, 'profile.data.attributes with an identifier');
      if (!isObj(a.properties)) return this.error(400, 'properties must be an object');
      if (typeof a.time !== 'string' || Number.isNaN(Date.parse(a.time))) return this.error(400, 'time must be an ISO date');
      if (typeof a.unique_id !== 'string') return this.error(400, 'unique_id');
      // Klaviyo keeps one event per unique_id (and profile, metric): a repeat is accepted and dropped.
      if (!this.events.some((e) => e.unique_id === a.unique_id && e.metric === metric))
        this.events.push({ metric, unique_id: a.unique_id, profile, properties: a.properties, time: a.time });
      this.upsert(profile);
      return { status: 202 };
    }
    if (req.method === 'POST' && url.pathname === '/api/profile-bulk-import-jobs') {
      if (Buffer.byteLength(req.body) > 5_000_000) return this.error(413, 'Payload exceeds 5 MB');
      if (!isObj(data) || data.type !== 'profile-bulk-import-job' || !isObj(data.attributes) || !isObj(data.attributes.profiles))
        return this.error(400, 'a profile-bulk-import-job');
      const profiles = data.attributes.profiles.data;
      if (!Array.isArray(profiles) || profiles.length < 1 || profiles.length > 10_000) return this.error(400, 'profiles: 1 to 10,000');
      const lists = isObj(data.relationships) && isObj(data.relationships.lists) ? data.relationships.lists.data : [];
      if (!Array.isArray(lists) || !lists.every((l) => isObj(l) && l.type === 'list' && typeof l.id === 'string'))
        return this.error(400, 'lists');
      for (const l of lists) if (!this.lists.has((l as { id: string }).id)) return this.error(404, 'list not found');
      for (const p of profiles)
        if (!isObj(p) || p.type !== 'profile' || !this.validProfile(p.attributes)) return this.error(400, 'profile entries');
      this.jobs.push(profiles.length);
      // The job runs at once here; Klaviyo runs it shortly after answering.
      for (const p of profiles as Array<{ attributes: Record<string, unknown> }>) {
        const { id } = this.upsert(p.attributes);
        for (const l of lists as Array<{ id: string }>) this.lists.get(l.id)!.add(id);
      }
      return {
        status: 202,
        body: {
          data: {
            type: 'profile-bulk-import-job',
            id: `JOB${this.jobs.length}`,
            attributes: { status: 'queued', total_count: profiles.length },
          },
        },
      };
    }
    if (req.method === 'GET' && url.pathname === '/api/profiles') {
      const size = Number(url.searchParams.get('page[size]') ?? 20);
      if (!Number.isInteger(size) || size < 1 || size > 100) return this.error(400, 'page[size] 1 to 100');
      const m = /^any\(email,(\[.*\])\)$/.exec(url.searchParams.get('filter') ?? '');
      const emails = m ? (parse(m[1]!) as unknown) : undefined;
      if (!Array.isArray(emails) || !emails.every((e) => typeof e === 'string') || emails.length > 100)
        return this.error(400, 'filter any(email,[…]) of up to 100');
      const found = emails
        .map((e) => this.profiles.get(e.toLowerCase()))
        .filter(Boolean)
        .slice(0, size);
      return {
        status: 200,
        body: {
          data: found.map((p) => ({ type: 'profile', id: p!.id, attributes: { email: p!.attributes.email } })),
          links: { next: null },
        },
      };
    }
    const m = /^\/api\/lists\/([^/]+)\/relationships\/profiles$/.exec(url.pathname);
    if (req.method === 'DELETE' && m) {
      const list = this.lists.get(decodeURIComponent(m[1]!));
      if (!list) return this.error(404, 'list not found');
      if (!Array.isArray(data) || data.length < 1 || data.length > 1000) return this.error(400, 'data: 1 to 1000 profiles');
      for (const r of data) {
        if (!isObj(r) || r.type !== 'profile' || typeof r.id !== 'string') return this.error(400, 'profile identifiers');
        list.delete(r.id);
      }
      return { status: 204 };
    }
    return this.error(404, `no route ${req.method} ${url.pathname}`);
  };

  /** E-mails of a list's members. */
  members(listId: string): string[] {
    const ids = this.lists.get(listId) ?? new Set();
    return [...this.profiles.values()]
      .filter((p) => ids.has(p.id))
      .map((p) => String(p.attributes.email))
      .sort();
  }
}
