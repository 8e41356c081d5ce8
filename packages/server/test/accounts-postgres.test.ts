import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, startAccountsServer, type AccountsServer } from './helpers/accounts';
import { createTempPgDatabase, postgresAvailable } from './helpers/meta-engines';

const pgStatus = await postgresAvailable();
if (!pgStatus.ok) console.warn(`[accounts-postgres] skipped: ${pgStatus.reason}`);

const PW = 'correct horse battery';

/** The account flows that run in transactions (first-run lock, invitations), on PostgreSQL through HTTP. */
describe.skipIf(!pgStatus.ok)('accounts over HTTP on PostgreSQL', () => {
  let srv: AccountsServer;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await createTempPgDatabase();
    drop = db.drop;
    srv = await startAccountsServer({ databaseUrl: db.url });
  });
  afterAll(async () => {
    await srv?.cleanup();
    await drop?.();
  });

  it('runs first-run registration, sites, keys and invitations', async () => {
    expect(srv.ctx.meta.dialect).toBe('postgres');
    // Two simultaneous first sign-ups: exactly one becomes the first owner, the other is refused.
    const [r1, r2] = await Promise.all([
      new Client(srv.url).post('/api/auth/register', { email: 'one@pg.test', password: PW }),
      new Client(srv.url).post('/api/auth/register', { email: 'two@pg.test', password: PW }),
    ]);
    expect([r1.status, r2.status].sort()).toEqual([201, 403]);
    expect(await srv.ctx.meta.users.count()).toBe(1);

    const owner = new Client(srv.url);
    const email = r1.status === 201 ? 'one@pg.test' : 'two@pg.test';
    expect((await owner.post('/api/auth/login', { email, password: PW })).status).toBe(200);
    const site = await owner.post('/api/sites', { domain: 'pg.example.com', excluded_paths: ['/admin/*'] });
    expect(site.status).toBe(201);
    expect((await owner.get(`/api/sites/${site.body.id}`)).body).toMatchObject({ excluded_paths: ['/admin/*'], cookieless: true });
    const key = await owner.post('/api/keys', { name: 'pg', permissions: ['read'] });
    const reader = new Client(srv.url);
    reader.bearer = key.body.key;
    expect((await reader.get(`/api/sites/${site.body.id}`)).status).toBe(200);

    const orgId = (await owner.get('/api/auth/me')).body.current_org.id;
    const inv = await owner.post(`/api/orgs/${orgId}/invitations`, { email: 'new@pg.test', role: 'viewer' });
    const joined = await new Client(srv.url).post(`/api/invitations/${inv.body.token}/accept`, { password: PW });
    expect(joined.status).toBe(201);
    expect(joined.body.current_org).toMatchObject({ id: orgId, role: 'viewer' });
  });
});
