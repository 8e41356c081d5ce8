import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testContext, testEvent, testSite, testServices } from '../../../test/helpers/ingest';
import { applyTraitRules, DROPPED_TRAITS, personalKind, traitsStep, withoutDroppedTraits } from './traits';

const KEY = Buffer.alloc(32, 7);
/** The expected stored form, computed here with node's HMAC directly. */
const hmac = (text: string) => `hmac:${crypto.createHmac('sha256', KEY).update(text).digest('hex')}`;

describe('traits step', () => {
  it('keeps only the allow-listed traits (and user_id) of identify events', () => {
    const r = applyTraitRules({ user_id: 'u1', plan: 'pro', company: 'Acme', secret: 'x' }, { allowlist: ['plan'], privacy: false });
    expect(r.props).toEqual({ user_id: 'u1', plan: 'pro' });
    expect(r.strips).toEqual([
      { key: 'company', action: 'dropped', reason: 'not_allowed' },
      { key: 'secret', action: 'dropped', reason: 'not_allowed' },
    ]);
  });

  it('hashes e-mail and phone traits under privacy, normalized, and leaves hashed values alone', () => {
    const r = applyTraitRules(
      { Email: ' Jane@Example.COM ', phone_number: '+49 (30) 123-45', work: 'a@b.io', plan: 'pro' },
      { allowlist: [], privacy: true, hashKey: KEY },
    );
    expect(r.props).toEqual({ Email: hmac('jane@example.com'), phone_number: hmac('+493012345'), work: hmac('a@b.io'), plan: 'pro' });
    expect(applyTraitRules(r.props, { allowlist: [], privacy: true, hashKey: KEY }).props).toEqual(r.props);
    // Without a key nothing readable is kept.
    expect(applyTraitRules({ email: 'jane@example.com', plan: 'pro' }, { allowlist: [], privacy: true }).props).toEqual({ plan: 'pro' });
    expect(personalKind('mobile', '0170 1234')).toBe('phone');
    expect(personalKind('name', 'Jane')).toBeNull();
  });

  it('runs on identify events of sites with rules only', () => {
    const site = { ...testSite(), trait_privacy: true, trait_allowlist: ['email'] };
    const ctx = testContext({ site, services: testServices({ traitKey: KEY }) });
    const identify = traitsStep.run(testEvent({ name: 'identify', props: { user_id: 'u', email: 'j@x.io', plan: 'pro' } }), ctx);
    expect((identify as { props: Record<string, string> }).props).toEqual({ user_id: 'u', email: hmac('j@x.io') });
    const view = traitsStep.run(testEvent({ name: 'page_view', props: { email: 'j@x.io' } }), ctx);
    expect((view as { props: Record<string, string> }).props).toEqual({ email: 'j@x.io' });
    const plain = traitsStep.run(testEvent({ name: 'identify', props: { email: 'j@x.io' } }), testContext({}));
    expect((plain as { props: Record<string, string> }).props).toEqual({ email: 'j@x.io' });
  });

  it('names the dropped traits for the raw payload, which loses them inside trait and property objects only', () => {
    const ctx = testContext({ site: { ...testSite(), trait_allowlist: ['plan'] } });
    traitsStep.run(testEvent({ name: 'identify', props: { user_id: 'u', plan: 'pro', ssn: '1', name: 'Jane' } }), ctx);
    const dropped = ctx.memo.get(DROPPED_TRAITS) as Set<string>;
    expect([...dropped].sort()).toEqual(['name', 'ssn']);
    const body = { type: 'identify', name: 'x', traits: { plan: 'pro', ssn: '1', name: 'Jane' }, batch: [{ p: { ssn: '2', ok: 1 } }] };
    expect(withoutDroppedTraits(body, dropped)).toEqual({
      type: 'identify',
      name: 'x',
      traits: { plan: 'pro' },
      batch: [{ p: { ok: 1 } }],
    });
  });
});
