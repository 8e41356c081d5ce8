import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from './helpers/accounts';
import { startTestServer } from './helpers/server';
import { startSmtpSink } from './helpers/smtp-sink';

/** Invitation e-mails carry the organization's branding: its product name, and its sender name before the server's address. */
describe('branded e-mails', () => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let srv: Awaited<ReturnType<typeof startTestServer>>;
  const tag = crypto.randomBytes(4).toString('hex');

  beforeAll(async () => {
    sink = await startSmtpSink();
    srv = await startTestServer({ smtpUrl: sink.url, smtpFrom: 'Tidemark <noreply@tidemark.test>' });
  });
  afterAll(async () => {
    await srv?.cleanup();
    await sink?.close();
  });

  it('names the product and the sender of the organization', async () => {
    const owner = new Client(srv.url);
    const reg = await owner.post('/api/auth/register', {
      email: `o-${tag}@mail.test`,
      password: 'correct horse battery',
      org_name: 'Client Co',
    });
    const orgId = reg.body.current_org.id;
    const invite = async (who: string) => {
      const r = await owner.post(`/api/orgs/${orgId}/invitations`, { email: `${who}-${tag}@mail.test`, role: 'viewer' });
      expect(r.body.emailed).toBe(true);
      return sink.messages.find((m) => m.includes(`${who}-${tag}@mail.test`))!;
    };
    const plain = await invite('first');
    expect(plain).toMatch(/Subject: You are invited to Client Co on Tidemark/);
    expect(
      (await owner.request('PUT', `/api/orgs/${orgId}/branding`, { product_name: 'Agency Stats', email_sender_name: 'Agency Co' })).status,
    ).toBe(200);
    const branded = await invite('second');
    expect(branded).toMatch(/Subject: You are invited to Client Co on Agency Stats/);
    expect(branded).toMatch(/From: "?Agency Co"? <noreply@tidemark\.test>/);
  });
});
