import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOrgListSchema, adminOrgSchema, clientSchema } from '@tidemark/core';
import { Client } from './helpers/accounts';
import { createTempPgDatabase, postgresAvailable, type MetaEngineName } from './helpers/meta-engines';
import { startTestServer } from './helpers/server';

const PW = 'correct horse battery';

/**
 * The instance administrators' organizations API (System page): the reseller flag and limits, and an
 * organization's monthly event limits, set over HTTP; validated, audited, and for instance
 * administrators only. What is set is what the reseller and quota code then enforce. On SQLite and
 * PostgreSQL metadata (the search's LIKE differs).
 */
const pgStatus = await postgresAvailable();

function suite(engine: MetaEngineName) {
  describe.skipIf(engine === 'postgres' && !pgStatus.ok)(
    `instance administration of organizations (${engine} metadata${engine === 'postgres' && !pgStatus.ok ? `: ${pgStatus.reason}` : ''})`,
    () => {
      let srv: Awaited<ReturnType<typeof startTestServer>>;
      let root: Client;
      let member: Client;
      let agencyId = '';
      let shopId = '';

      let dropDb: (() => Promise<void>) | undefined;

      beforeAll(async () => {
        let databaseUrl: string | undefined;
        if (engine === 'postgres') {
          const db = await createTempPgDatabase();
          databaseUrl = db.url;
          dropDb = db.drop;
        }
        srv = await startTestServer(databaseUrl ? { databaseUrl } : {}, { TIDEMARK_INSTANCE_ADMINS: 'root@example.com' });
        expect(srv.ctx.meta.dialect).toBe(engine);
        root = new Client(srv.url);
        const reg = await root.post('/api/auth/register', { email: 'root@example.com', password: PW, org_name: 'Agency' });
        expect(reg.status, reg.text).toBe(201);
        agencyId = reg.body.current_org.id;
        shopId = (await srv.ctx.meta.orgs.create('Shop_100% Co')).id;
        // An owner of the agency who is not an instance administrator.
        const inv = await root.post(`/api/orgs/${agencyId}/invitations`, { email: 'member@example.com', role: 'owner' });
        member = new Client(srv.url);
        expect((await member.post('/api/invitations/accept', { token: inv.body.token, password: PW })).status).toBe(201);
      });
      afterAll(async () => {
        await srv?.cleanup();
        await dropDb?.();
      });

      it('is for instance administrators only', async () => {
        expect((await new Client(srv.url).get('/api/admin/orgs')).status).toBe(401);
        const denied = await member.get('/api/admin/orgs');
        expect([denied.status, denied.body.error.code]).toEqual([403, 'forbidden']);
        expect((await member.patch(`/api/admin/orgs/${agencyId}`, { is_reseller: true })).status).toBe(403);
        expect((await srv.ctx.meta.tenancy.get(agencyId))?.is_reseller).toBe(false);
      });

      it('lists every organization with its flag, limits and counts; q narrows by name, wildcards taken literally', async () => {
        const list = adminOrgListSchema.parse((await root.get('/api/admin/orgs')).body);
        expect(list.truncated).toBe(false);
        expect(list.orgs.map((o) => o.name)).toEqual(['Agency', 'Shop_100% Co']);
        expect(list.orgs[0]).toMatchObject({ id: agencyId, is_reseller: false, clients: 0, sites: 0, max_sub_organizations: null });
        expect((await root.get('/api/admin/orgs?q=100%25')).body.orgs.map((o: { id: string }) => o.id)).toEqual([shopId]);
        expect((await root.get('/api/admin/orgs?q=_')).body.orgs.map((o: { id: string }) => o.id)).toEqual([shopId]);
        expect((await root.get('/api/admin/orgs?q=nothing-like-it')).body.orgs).toEqual([]);
        expect((await root.get(`/api/admin/orgs?q=${'x'.repeat(121)}`)).status).toBe(400);
        expect((await root.get('/api/admin/orgs?surprise=1')).status).toBe(400);
      });

      it('flags a reseller and sets its limits, which its clients then get; audited', async () => {
        for (const bad of [{}, { is_reseller: 'yes' }, { max_sub_organizations: -1 }, { events_hard_limit: 1.5 }, { surprise: 1 }]) {
          const r = await root.patch(`/api/admin/orgs/${agencyId}`, bad);
          expect([r.status, r.body.success, r.body.error.code], JSON.stringify(bad)).toEqual([400, false, 'validation_error']);
        }
        expect((await root.patch(`/api/admin/orgs/${crypto.randomUUID()}`, { is_reseller: true })).status).toBe(404);
        const r = await root.patch(`/api/admin/orgs/${agencyId}`, {
          is_reseller: true,
          max_sub_organizations: 1,
          max_sites_per_sub_org: 2,
          max_events_per_sub_org: 500,
        });
        expect(r.status, r.text).toBe(200);
        expect(adminOrgSchema.parse(r.body)).toMatchObject({ is_reseller: true, max_sub_organizations: 1, max_events_per_sub_org: 500 });
        // The reseller's own admins now create a client within those limits.
        const client = await member.post(`/api/orgs/${agencyId}/clients`, { name: 'First client' });
        expect(client.status, client.text).toBe(201);
        expect(clientSchema.parse(client.body).usage).toMatchObject({ events_hard_limit: 500, max_sites: 2 });
        expect((await member.post(`/api/orgs/${agencyId}/clients`, { name: 'Second' })).status).toBe(409);
        // A partial change keeps the rest; the client count shows.
        const raised = adminOrgSchema.parse((await root.patch(`/api/admin/orgs/${agencyId}`, { max_sub_organizations: 2 })).body);
        expect(raised).toMatchObject({ is_reseller: true, max_sub_organizations: 2, max_sites_per_sub_org: 2, clients: 1 });
        expect((await member.post(`/api/orgs/${agencyId}/clients`, { name: 'Second' })).status).toBe(201);
        // A client cannot resell.
        const sub = await root.patch(`/api/admin/orgs/${client.body.id}`, { is_reseller: true });
        expect([sub.status, sub.body.error.code]).toEqual([400, 'client_cannot_resell']);

        const audit = (await member.get(`/api/orgs/${agencyId}/audit?action=organization.tenancy_updated`)).body.entries;
        expect(audit).toHaveLength(2);
        expect(audit.map((e: { details: { fields: string[] } }) => e.details.fields)).toEqual(
          expect.arrayContaining([
            ['max_sub_organizations'],
            ['is_reseller', 'max_events_per_sub_org', 'max_sites_per_sub_org', 'max_sub_organizations'],
          ]),
        );
        expect(audit[0]).toMatchObject({
          actor: { type: 'user', label: 'root@example.com' },
          target: { type: 'organization', id: agencyId },
        });
      });

      it("sets an organization's monthly event limits, seen on its usage at once", async () => {
        const r = await root.patch(`/api/admin/orgs/${agencyId}`, { events_soft_limit: 5, events_hard_limit: 10 });
        expect(r.status, r.text).toBe(200);
        expect((await member.get(`/api/orgs/${agencyId}/usage`)).body).toMatchObject({ events_soft_limit: 5, events_hard_limit: 10 });
        expect(adminOrgSchema.parse((await root.patch(`/api/admin/orgs/${agencyId}`, { events_hard_limit: null })).body)).toMatchObject({
          events_soft_limit: 5,
          events_hard_limit: null,
          is_reseller: true,
        });
      });
    },
  );
}

suite('sqlite');
suite('postgres');
