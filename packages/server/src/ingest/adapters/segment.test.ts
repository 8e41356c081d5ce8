import { describe, expect, it } from 'vitest';
import { segmentBatchBodySchema } from '@tidemark/core';
import { isUuid } from '../lib/uuid';
import { adaptSegment, segmentEventId } from './segment';

const adapt = (batch: unknown[], extra: Record<string, unknown> = {}) =>
  adaptSegment(segmentBatchBodySchema.parse({ batch, ...extra }), 'site-1', Date.UTC(2026, 0, 2));

describe('Segment-compatible adapter', () => {
  it('maps track, page, screen, identify, group and alias to canonical events', () => {
    const ts = '2026-01-01T10:00:00.000Z';
    const out = adapt([
      {
        type: 'track',
        event: 'Order Completed',
        userId: 'u1',
        anonymousId: 'a1',
        properties: { total: 30, sku: 'x' },
        timestamp: ts,
        messageId: 'm1',
      },
      {
        type: 'page',
        anonymousId: 'a1',
        name: 'Pricing',
        properties: { url: 'https://shop.example/pricing?x=1', title: 'Pricing', plan: 'pro' },
        context: { ip: '8.8.8.8', userAgent: 'Mozilla/5.0 X', locale: 'de-DE', campaign: { source: 'news', medium: 'email', name: 'jan' } },
      },
      { type: 'screen', userId: 'u1', name: 'Home' },
      { type: 'identify', userId: 'u1', traits: { email: 'a@b.c', plan: 'pro' } },
      { type: 'group', userId: 'u1', groupId: 'g1', traits: { name: 'Acme' } },
      { type: 'alias', userId: 'u1', previousId: 'a1' },
    ]);
    expect(out.rejected).toEqual([]);
    const [track, page, screen, identify, group, alias] = out.events;
    expect(track).toMatchObject({ name: 'Order Completed', user_id: 'u1', client_visitor_id: 'a1', client_ts: Date.parse(ts) });
    expect(track!.props).toEqual({ total: '30', sku: 'x' });
    expect(isUuid(track!.event_id)).toBe(true);
    expect(page).toMatchObject({
      name: 'page_view',
      url: 'https://shop.example/pricing?x=1',
      title: 'Pricing',
      client_ip: '8.8.8.8',
      client_user_agent: 'Mozilla/5.0 X',
      language: 'de-DE',
      utm_source: 'news',
      utm_medium: 'email',
      utm_campaign: 'jan',
    });
    expect(page!.props).toEqual({ plan: 'pro', name: 'Pricing' });
    expect(screen).toMatchObject({ name: 'screen_view', client_visitor_id: 'u1', props: { name: 'Home' } });
    expect(identify).toMatchObject({ name: 'identify', user_id: 'u1', props: { email: 'a@b.c', plan: 'pro' } });
    expect(group!.props).toEqual({ name: 'Acme', group_id: 'g1' });
    expect(alias).toMatchObject({ name: 'alias', user_id: 'u1', props: { previous_id: 'a1' } });
  });

  it('merges the batch context under each message context', () => {
    const out = adapt([{ type: 'track', event: 'e', userId: 'u', context: { locale: 'fr' } }], {
      context: { timezone: 'Europe/Paris', locale: 'en' },
    });
    expect(out.events[0]).toMatchObject({ language: 'fr', timezone: 'Europe/Paris' });
  });

  it('quarantines messages without ids, without their required fields, or of unknown types', () => {
    const out = adapt([
      { type: 'track', event: 'e' },
      { type: 'track', userId: 'u' },
      { type: 'group', userId: 'u' },
      { type: 'alias', userId: 'u' },
      { type: 'launch', userId: 'u' },
      { type: 'track', event: 'e', userId: 'u', timestamp: 'not a date' },
      { type: 'track', event: 'ok', userId: 'u' },
    ]);
    expect(out.events.map((e) => e.name)).toEqual(['ok']);
    expect(out.rejected.map((r) => r.issues[0]!.message)).toEqual([
      'userId or anonymousId is required',
      'event is required for track',
      'groupId is required for group',
      'previousId is required for alias',
      expect.stringContaining('Invalid option'),
      'unreadable timestamp',
    ]);
    expect(out.rejected[5]!.reason).toBe('invalid_timestamp');
  });

  it('derives the same event id for a retried message, different ones per site and message', () => {
    const t = Date.UTC(2026, 0, 1);
    const id = segmentEventId('s', 'msg-1', t);
    expect(segmentEventId('s', 'msg-1', t)).toBe(id);
    expect(segmentEventId('s', 'msg-2', t)).not.toBe(id);
    expect(segmentEventId('other', 'msg-1', t)).not.toBe(id);
    // Laid out as a UUIDv7 of the message's time, or a UUIDv8 without one.
    expect(id.startsWith(t.toString(16).padStart(12, '0').slice(0, 8))).toBe(true);
    expect(id[14]).toBe('7');
    expect(isUuid(id)).toBe(true);
    const v8 = segmentEventId('s', 'msg-1', null);
    expect(v8[14]).toBe('8');
    expect(isUuid(v8)).toBe(true);
    const v7 = '01890a5d-ac96-774b-bcce-b302099a8057';
    expect(segmentEventId('s', v7.toUpperCase(), t)).toBe(v7);
  });
});
