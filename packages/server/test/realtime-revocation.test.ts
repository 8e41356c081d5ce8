import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUp } from './helpers/accounts';
import { startTestServer } from './helpers/server';
import { createTempPgDatabase, postgresAvailable, type MetaEngineName } from './helpers/meta-engines';

const PW = 'correct horse battery';
const pgStatus = await postgresAvailable();
if (!pgStatus.ok) console.warn(`[realtime-revocation] PostgreSQL suite skipped: ${pgStatus.reason}`);

/** An open SSE stream that counts its snapshots and notices when the server ends it. */
async function openStream(url: string, headers: Record<string, string>) {
  const ctrl = new AbortController();
  const res = await fetch(url, { headers, signal: ctrl.signal });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let ended = false;
  const done = (async () => {
    try {
      for (;;) {
        const { value, done: d } = await reader.read();
        if (d) break;
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      // aborted by the test
    }
    ended = true;
  })();
  const snapshots = () => (text.match(/event: realtime\n/g) ?? []).length;
  return {
    snapshots,
    text: () => text,
    get ended() {
      return ended;
    },
    /** Resolves once the first snapshot arrived. */
    async ready() {
      for (let i = 0; i < 100 && snapshots() === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(snapshots()).toBeGreaterThan(0);
    },
    /** Whether the server ended the stream within `ms`. */
    async endsWithin(ms: number) {
      await Promise.race([done, new Promise((r) => setTimeout(r, ms))]);
      return ended;
    },
    close: () => ctrl.abort(),
  };
}

function suite(engine: MetaEngineName) {
  describe.skipIf(engine === 'postgres' && !pgStatus.ok)(`realtime streams end when access ends (${engine} metadata)`, () => {
    let srv: Awaited<ReturnType<typeof startTestServer>>;
    let dropDb: (() => Promise<void>) | undefined;
    let owner: Client;
    let orgId: string;
    let siteId: string;
    const streamUrl = () => `${srv.url}/api/sites/${siteId}/realtime/stream`;

    /** A new member of the owner's organization, signed in. */
    async function invite(email: string, role = 'viewer'): Promise<{ client: Client; userId: string }> {
      const inv = await owner.post(`/api/orgs/${orgId}/invitations`, { email, role });
      const client = new Client(srv.url);
      const joined = await client.post(`/api/invitations/${inv.body.token}/accept`, { password: PW });
      expect(joined.status).toBe(201);
      return { client, userId: joined.body.user.id };
    }

    beforeAll(async () => {
      let databaseUrl: string | undefined;
      if (engine === 'postgres') {
        const db = await createTempPgDatabase();
        databaseUrl = db.url;
        dropDb = db.drop;
      }
      srv = await startTestServer(databaseUrl ? { databaseUrl } : {});
      expect(srv.ctx.meta.dialect).toBe(engine);
      owner = (await signUp(srv.url, 'owner@rt.test')).client;
      orgId = (await owner.get('/api/auth/me')).body.current_org.id;
      siteId = (await owner.post('/api/sites', { domain: 'rt.example.com' })).body.id;
    });
    afterAll(async () => {
      await srv?.cleanup();
      await dropDb?.();
    });

    it('a removed member stops receiving at once (within one push interval)', async () => {
      const { client, userId } = await invite('removed@rt.test');
      const stream = await openStream(streamUrl(), { cookie: client.cookie! });
      try {
        await stream.ready();
        expect(await stream.endsWithin(2_500)).toBe(false);
        expect((await owner.del(`/api/orgs/${orgId}/members/${userId}`)).status).toBe(204);
        const before = stream.snapshots();
        expect(await stream.endsWithin(5_000)).toBe(true);
        // At most a push already past its check when the member was removed.
        expect(stream.snapshots() - before).toBeLessThanOrEqual(1);
        expect(stream.text()).toMatch(/event: error\ndata: \{"code":"unauthorized"\}/);
        expect([401, 404]).toContain((await client.get(`/api/sites/${siteId}/realtime`)).status);
      } finally {
        stream.close();
      }
    });

    it('signing out ends the streams of that session', async () => {
      const { client } = await invite('signout@rt.test');
      const stream = await openStream(streamUrl(), { cookie: client.cookie! });
      try {
        await stream.ready();
        expect((await client.post('/api/auth/logout')).status).toBe(204);
        expect(await stream.endsWithin(5_000)).toBe(true);
      } finally {
        stream.close();
      }
    });

    it('a new sign-in presenting the old session cookie ends that session and its streams', async () => {
      const { client } = await invite('rotate@rt.test');
      const oldCookie = client.cookie!;
      const stream = await openStream(streamUrl(), { cookie: oldCookie });
      try {
        await stream.ready();
        const login = await client.post('/api/auth/login', { email: 'rotate@rt.test', password: PW });
        expect(login.status).toBe(200);
        expect(client.cookie).not.toBe(oldCookie);
        const stale = new Client(srv.url);
        stale.cookie = oldCookie;
        expect((await stale.get('/api/auth/me')).status).toBe(401);
        expect((await client.get('/api/auth/me')).status).toBe(200);
        expect(await stream.endsWithin(5_000)).toBe(true);
      } finally {
        stream.close();
      }
    });

    it('a revoked API key stops receiving', async () => {
      const key = await owner.post('/api/keys', { name: 'rt', permissions: ['read'] });
      expect(key.status).toBe(201);
      const stream = await openStream(streamUrl(), { authorization: `Bearer ${key.body.key}` });
      try {
        await stream.ready();
        expect((await owner.del(`/api/keys/${key.body.id}`)).status).toBe(204);
        expect(await stream.endsWithin(5_000)).toBe(true);
      } finally {
        stream.close();
      }
    });
  });
}

suite('sqlite');
suite('postgres');
