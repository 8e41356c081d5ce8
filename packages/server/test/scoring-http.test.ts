import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCORING_RULES, profileListSchema, profileSchema, siteScoringSchema, type ScoringRules } from '@tidemark/core';
import { Client, signUp, signUpConfirmed } from './helpers/accounts';
import { startSmtpSink } from './helpers/smtp-sink';
import { startTestServer } from './helpers/server';
import { handProfileEvents, PROFILE_SITE } from './helpers/profiles-fixture';

/**
 * Lead-scoring rules over HTTP: defaults, validation, an audited change, and the profiles API scoring
 * the hand-made case (profiles-fixture: alice on two devices, anonymous b1) by the saved rules.
 */
let srv: Awaited<ReturnType<typeof startTestServer>>;
let mail: Awaited<ReturnType<typeof startSmtpSink>>;
let owner: Client;
let stranger: Client;
let orgId = '';
let site: { id: string };

// No recency points: the hand-made events are old, and the expected scores below stay whole numbers.
const RULES: ScoringRules = {
  ...DEFAULT_SCORING_RULES,
  recency: { points: 0, half_life_days: 1 },
  key_pages: [
    { name: 'pricing', path: '/pricing*', points: 15 },
    { name: 'blog', path: '/blog', points: -2 },
  ],
};

beforeAll(async () => {
  mail = await startSmtpSink();
  srv = await startTestServer({ smtpUrl: mail.url }, { TIDEMARK_OPEN_SIGNUP: 'true' });
  const reg = await signUp(srv.url, 'owner@example.com', 'correct horse battery', { org_name: 'Acme' });
  owner = reg.client;
  orgId = reg.me.current_org.id;
  stranger = (await signUpConfirmed(srv.url, mail, 'stranger@example.com', 'correct horse battery', { org_name: 'Other' })).client;
  site = (await owner.post('/api/sites', { domain: 'shop.test', timezone: 'UTC' })).body;
  const events = handProfileEvents()
    .filter((e) => e.site_id === PROFILE_SITE.id)
    .map((e) => ({ ...e, site_id: site.id }));
  await srv.ctx.events.write({ events, raw: [], quarantine: [], drops: [] });
});

afterAll(async () => {
  await srv?.cleanup();
  await mail?.close();
});

describe('lead-scoring rules over HTTP', () => {
  const rules = () => `/api/sites/${site.id}/scoring/rules`;

  it('serves the default rules, refuses bad ones with a 400, saves and audits good ones', async () => {
    const first = await owner.get(rules());
    expect(siteScoringSchema.parse(first.body)).toEqual({ rules: DEFAULT_SCORING_RULES, is_default: true });
    const dup = { ...RULES, key_pages: [RULES.key_pages[0], RULES.key_pages[0]] };
    for (const bad of [
      { ...RULES, identified: { points: 500 } },
      { ...RULES, extra: 1 },
      { ...RULES, key_pages: [{ name: 'Pricing!', path: '/pricing', points: 1 }] },
      { ...RULES, key_pages: [{ name: 'pricing', path: 'pricing', points: 1 }] },
      dup,
      { recency: RULES.recency },
    ]) {
      const r = await owner.request('PUT', rules(), bad);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ success: false, error: { code: 'validation_error' } });
    }
    const put = await owner.request('PUT', rules(), RULES);
    expect([put.status, put.body]).toEqual([200, { rules: RULES, is_default: false }]);
    expect((await owner.get(rules())).body).toEqual({ rules: RULES, is_default: false });
    const audit = await owner.get(`/api/orgs/${orgId}/audit?action=settings.updated`);
    expect(audit.body.entries.map((e: { target: unknown; site_id: string }) => [e.target, e.site_id])).toEqual([
      [{ type: 'scoring_rules', id: site.id }, site.id],
    ]);
  });

  it('scores the profiles by the saved rules, in the list, sorted by score, and in the detail', async () => {
    // alice: 2 sessions × 3, 4 page views × 1, pricing 15, returning 5, identified 10 = 40.
    // b1: 1 session 3, 1 page view 1, blog −2 = 2.
    const alice = {
      score: 40,
      score_reasons: [
        { rule: 'key_page:pricing', points: 15 },
        { rule: 'identified', points: 10 },
        { rule: 'sessions', points: 6 },
        { rule: 'returning', points: 5 },
        { rule: 'pageviews', points: 4 },
      ],
    };
    const b1 = {
      score: 2,
      score_reasons: [
        { rule: 'sessions', points: 3 },
        { rule: 'key_page:blog', points: -2 },
        { rule: 'pageviews', points: 1 },
      ],
    };
    const base = `/api/sites/${site.id}/profiles`;
    const list = profileListSchema.parse((await owner.get(`${base}?sort=score`)).body);
    expect(list.profiles.map((p) => [p.id, { score: p.score, score_reasons: p.score_reasons }])).toEqual([
      ['ualice', alice],
      ['vb1', b1],
    ]);
    expect(profileSchema.parse((await owner.get(`${base}/ualice`)).body)).toMatchObject(alice);
    expect((await owner.get(`${base}/vb1`)).body).toMatchObject(b1);
  });

  it("is the site members' only", async () => {
    expect((await new Client(srv.url).get(rules())).status).toBe(401);
    expect((await stranger.get(rules())).status).toBe(404);
    expect((await stranger.request('PUT', rules(), RULES)).status).toBe(404);
  });
});
