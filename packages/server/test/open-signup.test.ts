import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/meta';
import { Client, startAccountsServer, type AccountsServer } from './helpers/accounts';
import { createTempPgDatabase, postgresAvailable, type MetaEngineName } from './helpers/meta-engines';
import { startSmtpSink } from './helpers/smtp-sink';

const PW = 'correct horse battery';
const pgStatus = await postgresAvailable();
if (!pgStatus.ok) console.warn(`[open-signup] PostgreSQL suite skipped: ${pgStatus.reason}`);

/** The raw message bodies, with quoted-printable soft line breaks undone. */
const mails = (messages: string[]) => messages.map((m) => m.replace(/=\r\n/g, '').replace(/=3D/g, '='));
const linkToken = (mail: string) => /\/verify-email\/([A-Za-z0-9_-]{20,})/.exec(mail)?.[1] ?? null;

function suite(engine: MetaEngineName) {
  describe.skipIf(engine === 'postgres' && !pgStatus.ok)(`open sign-up (${engine} metadata)`, () => {
    let srv: AccountsServer;
    let sink: Awaited<ReturnType<typeof startSmtpSink>>;
    let dropDb: (() => Promise<void>) | undefined;
    let owner: Client;
    let orgId: string;
    const rangeRequests: string[] = [];
    let rangeServer: http.Server;

    beforeAll(async () => {
      sink = await startSmtpSink();
      // A stand-in range service on loopback: configured, but the private-address guard must never reach it.
      rangeServer = http.createServer((req, res) => {
        rangeRequests.push(req.url ?? '');
        res.end('');
      });
      await new Promise<void>((r) => rangeServer.listen(0, '127.0.0.1', r));
      let databaseUrl: string | undefined;
      if (engine === 'postgres') {
        const db = await createTempPgDatabase();
        databaseUrl = db.url;
        dropDb = db.drop;
      }
      srv = await startAccountsServer({
        openSignup: true,
        smtpUrl: sink.url,
        pwnedPasswordsUrl: `http://127.0.0.1:${(rangeServer.address() as AddressInfo).port}/range/`,
        ...(databaseUrl ? { databaseUrl } : {}),
      });
      expect(srv.ctx.meta.dialect).toBe(engine);
      owner = new Client(srv.url);
      // The first account is the operator's: created and signed in at once, no confirmation.
      const first = await owner.post('/api/auth/register', { email: 'owner@signup.test', password: PW });
      expect(first.status).toBe(201);
      orgId = first.body.current_org.id;
      expect(sink.messages).toHaveLength(0);
    });
    afterAll(async () => {
      await srv?.cleanup();
      await sink?.close();
      await new Promise<void>((r) => rangeServer.close(() => r()));
      await dropDb?.();
    });

    it('answers the same whether or not the address is registered, and tells only the mailbox', async () => {
      const fresh = await new Client(srv.url).post('/api/auth/register', { email: 'new@signup.test', password: PW });
      const taken = await new Client(srv.url).post('/api/auth/register', { email: 'Owner@Signup.test', password: 'another long phrase' });
      expect(fresh.status).toBe(202);
      expect(taken.status).toBe(202);
      expect(taken.text).toBe(fresh.text);
      expect(fresh.headers.getSetCookie()).toEqual([]);
      expect(taken.headers.getSetCookie()).toEqual([]);
      expect(await srv.ctx.meta.users.count()).toBe(2);
      const [toNew, toOwner] = mails(sink.messages.splice(0));
      expect(toNew).toMatch(/^To: new@signup\.test/m);
      expect(linkToken(toNew!)).not.toBeNull();
      expect(toOwner).toMatch(/^To: owner@signup\.test/m);
      expect(toOwner).toMatch(/already has one/);
      expect(linkToken(toOwner!)).toBeNull();
      // The owner's password is untouched.
      expect((await new Client(srv.url).post('/api/auth/login', { email: 'owner@signup.test', password: PW })).status).toBe(200);
    });

    it('keeps an unconfirmed account out until its single-use, hashed link is followed', async () => {
      const c = new Client(srv.url);
      expect((await c.post('/api/auth/register', { email: 'confirm@signup.test', password: PW })).status).toBe(202);
      const first = linkToken(mails(sink.messages.splice(0))[0]!)!;
      const user = (await srv.ctx.meta.users.byEmail('confirm@signup.test'))!;
      const stored = await srv.ctx.meta.db
        .selectFrom('email_verifications')
        .selectAll()
        .where('user_id', '=', user.id)
        .executeTakeFirstOrThrow();
      expect(stored.token_hash).toBe(sha256Hex(first));
      expect(JSON.stringify(stored)).not.toContain(first);

      const login = await c.post('/api/auth/login', { email: 'confirm@signup.test', password: PW });
      expect(login.status).toBe(403);
      expect(login.body.error.code).toBe('email_not_verified');
      expect(c.cookie).toBeNull();
      expect((await c.get('/api/sites')).status).toBe(401);

      // Signing up again sends a new link, bound to that sign-up's password; the earlier one stops working.
      const PW2 = 'a different phrase 9';
      expect((await c.post('/api/auth/register', { email: 'confirm@signup.test', password: PW2 })).status).toBe(202);
      const second = linkToken(mails(sink.messages.splice(0))[0]!)!;
      expect(second).not.toBe(first);
      expect((await c.post('/api/auth/verify-email', { token: first, password: PW })).status).toBe(404);

      const cross = await new Client(srv.url, { origin: 'https://evil.example' }).post('/api/auth/verify-email', {
        token: second,
        password: PW2,
      });
      expect(cross.status).toBe(403);
      // The link alone is not enough: whoever confirms must know the password of the sign-up that asked for it.
      const wrong = await c.post('/api/auth/verify-email', { token: second, password: PW });
      expect(wrong.status).toBe(403);
      expect(c.cookie).toBeNull();
      const ok = await c.post('/api/auth/verify-email', { token: second, password: PW2 });
      expect(ok.status).toBe(200);
      expect(ok.body.user.email).toBe('confirm@signup.test');
      expect(ok.body.current_org.role).toBe('owner');
      expect(ok.body.current_org.id).not.toBe(orgId);
      expect((await c.get('/api/sites')).status).toBe(200);
      expect((await new Client(srv.url).post('/api/auth/verify-email', { token: second, password: PW2 })).status).toBe(404);
      // The confirmed link's password is the account's; an earlier sign-up's password is not.
      expect((await new Client(srv.url).post('/api/auth/login', { email: 'confirm@signup.test', password: PW2 })).status).toBe(200);
      expect((await new Client(srv.url).post('/api/auth/login', { email: 'confirm@signup.test', password: PW })).status).toBe(401);
    });

    it('cannot be used to take over an address signed up in advance by someone else', async () => {
      // An attacker signs the victim's address up first, with a password of their own …
      const attacker = new Client(srv.url);
      expect((await attacker.post('/api/auth/register', { email: 'victim@signup.test', password: 'attacker knows this 1' })).status).toBe(
        202,
      );
      const attackersLink = linkToken(mails(sink.messages.splice(0))[0]!)!;
      // … the victim signs up later with theirs, and confirms the link they received.
      const victim = new Client(srv.url);
      expect((await victim.post('/api/auth/register', { email: 'victim@signup.test', password: PW })).status).toBe(202);
      const victimsLink = linkToken(mails(sink.messages.splice(0))[0]!)!;
      expect((await victim.post('/api/auth/verify-email', { token: attackersLink, password: PW })).status).toBe(404);
      expect((await victim.post('/api/auth/verify-email', { token: victimsLink, password: PW })).status).toBe(200);
      // The attacker's password opens nothing.
      expect((await attacker.post('/api/auth/login', { email: 'victim@signup.test', password: 'attacker knows this 1' })).status).toBe(401);
      expect(attacker.cookie).toBeNull();
    });

    it('sends at most 5 sign-up mails per address and hour, answering alike beyond that', async () => {
      const answers: string[] = [];
      for (let i = 0; i < 7; i++) {
        const r = await new Client(srv.url).post('/api/auth/register', { email: 'flooded@signup.test', password: PW });
        answers.push(`${r.status} ${r.text}`);
      }
      expect(new Set(answers).size).toBe(1);
      expect(answers[0]).toMatch(/^202 /);
      expect(mails(sink.messages.splice(0)).filter((m) => /^To: flooded@signup\.test/m.test(m))).toHaveLength(5);
    });

    it('refuses expired links', async () => {
      expect((await new Client(srv.url).post('/api/auth/register', { email: 'late@signup.test', password: PW })).status).toBe(202);
      const token = linkToken(mails(sink.messages.splice(0))[0]!)!;
      await srv.ctx.meta.db
        .updateTable('email_verifications')
        .set({ expires_at: Date.now() - 1 })
        .where('token_hash', '=', sha256Hex(token))
        .execute();
      const r = await new Client(srv.url).post('/api/auth/verify-email', { token, password: PW });
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('verification_not_found');
      expect((await new Client(srv.url).post('/api/auth/login', { email: 'late@signup.test', password: PW })).status).toBe(403);
    });

    it('refuses breached passwords on sign-up, invitation acceptance and password change', async () => {
      const signup = await new Client(srv.url).post('/api/auth/register', { email: 'weak@signup.test', password: 'password123' });
      expect(signup.status).toBe(400);
      expect(signup.body.error.code).toBe('password_breached');
      expect(await srv.ctx.meta.users.byEmail('weak@signup.test')).toBeNull();

      const inv = await owner.post(`/api/orgs/${orgId}/invitations`, { email: 'invitee@signup.test', role: 'viewer' });
      const accept = await new Client(srv.url).post(`/api/invitations/${inv.body.token}/accept`, { password: 'iloveyou' });
      expect(accept.status).toBe(400);
      expect(accept.body.error.code).toBe('password_breached');
      expect((await new Client(srv.url).post(`/api/invitations/${inv.body.token}/accept`, { password: PW })).status).toBe(201);

      const change = await owner.post('/api/auth/password', { current_password: PW, new_password: 'qwertyuiop' });
      expect(change.status).toBe(400);
      expect(change.body.error.code).toBe('password_breached');
      expect((await new Client(srv.url).post('/api/auth/login', { email: 'owner@signup.test', password: PW })).status).toBe(200);
      // The configured range service sits on loopback: it was never contacted.
      expect(rangeRequests).toEqual([]);
    });
  });
}

suite('sqlite');
suite('postgres');

describe('open sign-up without mail', () => {
  it('is refused (503) after the first account, since nobody could confirm an address', async () => {
    const srv = await startAccountsServer({ openSignup: true });
    try {
      expect((await new Client(srv.url).post('/api/auth/register', { email: 'first@nomail.test', password: PW })).status).toBe(201);
      const r = await new Client(srv.url).post('/api/auth/register', { email: 'second@nomail.test', password: PW });
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe('signup_unavailable');
      expect(await srv.ctx.meta.users.count()).toBe(1);
      // The dashboard is not offered a sign-up link that could not work.
      expect((await new Client(srv.url).get('/api/auth/setup')).body.open_signup).toBe(false);
    } finally {
      await srv.cleanup();
    }
  });
});
