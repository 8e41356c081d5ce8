import { describe, expect, it } from 'vitest';
import { EVENT_COLUMNS } from '@tidemark/core';
import { checkBatch, wellFormedEvent } from './event-rows';
import { encodeEvents } from './duckdb/event-pack';
import { batchOf, makeEvent, uuidv7 } from '../../test/helpers/events';

describe('every stored string is made well-formed', () => {
  it('events: lone surrogates in every string column and in property keys and values', () => {
    const e = makeEvent({ props: { plan: 'pro\ud800', 'k\udc00': 'v', ok: '😀' } });
    const rec = e as unknown as Record<string, unknown>;
    const strings = EVENT_COLUMNS.filter((c) => c.kind === 'string' && !['site_id', 'name'].includes(c.name));
    for (const c of strings) rec[c.name] = `${c.name}\ud83d`;
    const copy = structuredClone(e);
    wellFormedEvent(e);
    for (const c of strings) expect(rec[c.name]).toBe(`${c.name}\ufffd`);
    expect(e.props).toEqual({ plan: 'pro\ufffd', 'k\ufffd': 'v', ok: '😀' });
    expect(JSON.stringify(e.props)).not.toMatch(/\\ud/);
    // The embedded store's encoding does it on its own (a collector thread encodes past the writer's checks).
    const { encoded } = encodeEvents([copy]);
    expect(encoded.lines[0]).toBe(encodeEvents([e]).encoded.lines[0]);
    expect(copy).toEqual(e);
  });

  it('leaves well-formed events as they are', () => {
    const props = { plan: 'pro', emoji: '😀', nul: 'a\u0000b' };
    const e = makeEvent({ props, title: 'é 中文 😀' });
    wellFormedEvent(e);
    encodeEvents([e]);
    expect(e.props).toBe(props);
    expect(e.title).toBe('é 中文 😀');
  });

  it('raw bodies and quarantined payloads: literal and escaped lone surrogates', () => {
    const now = Date.now();
    const raw = {
      id: uuidv7(now),
      site_id: 's',
      received_at: now,
      contract: 'insighthub.collect',
      body: '{"events":[{"name":"x","properties":{"p":"\\ud800","q":"\udc00"}}]}',
    };
    const q = {
      id: uuidv7(now),
      site_id: 's',
      received_at: now,
      contract: 'insighthub.collect',
      reason: 'invalid_event',
      errors: JSON.stringify([{ path: 'k\ud800', message: 'm' }]),
      payload: JSON.stringify({ p: '\ud800' }),
    };
    checkBatch(batchOf([], { raw: [raw], quarantine: [q] }));
    expect(JSON.parse(raw.body).events[0].properties).toEqual({ p: '\ufffd', q: '\ufffd' });
    expect(JSON.parse(q.errors)).toEqual([{ path: 'k\ufffd', message: 'm' }]);
    expect(JSON.parse(q.payload)).toEqual({ p: '\ufffd' });
  });
});
