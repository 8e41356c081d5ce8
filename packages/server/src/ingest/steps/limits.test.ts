import { describe, expect, it } from 'vitest';
import { INGEST_LIMITS } from '@tidemark/core';
import { Drop } from '../drop';
import { testContext, testEvent } from '../../../test/helpers/ingest';
import { limitsStep } from './limits';

const run = (over: Parameters<typeof testEvent>[0], ctxOver: Parameters<typeof testContext>[0] = {}) =>
  limitsStep.run(testEvent(over), testContext(ctxOver));
const reason = (r: unknown) => (r instanceof Drop ? r.reason : 'kept');

describe('limits step', () => {
  it('keeps an event within every limit, at the exact boundaries', () => {
    const props: Record<string, string> = {};
    for (let i = 0; i < INGEST_LIMITS.props - 1; i++) props[`k${i}`] = 'v';
    props['k'.repeat(INGEST_LIMITS.propKeyBytes)] = 'x'.repeat(INGEST_LIMITS.propValueBytes);
    const r = run({
      name: 'n'.repeat(INGEST_LIMITS.nameChars),
      url: `https://example.com/${'a'.repeat(INGEST_LIMITS.urlChars - 20)}`,
      props,
    });
    expect(reason(r)).toBe('kept');
  });

  it('quarantines names, URLs, property counts, keys and values over the limits', () => {
    expect(reason(run({ name: 'n'.repeat(INGEST_LIMITS.nameChars + 1) }))).toBe('name_too_long');
    expect(reason(run({ url: `https://example.com/${'a'.repeat(INGEST_LIMITS.urlChars)}` }))).toBe('url_too_long');
    const many: Record<string, string> = {};
    for (let i = 0; i <= INGEST_LIMITS.props; i++) many[`k${i}`] = 'v';
    expect(reason(run({ props: many }))).toBe('too_many_props');
    expect(reason(run({ props: { ['k'.repeat(INGEST_LIMITS.propKeyBytes + 1)]: 'v' } }))).toBe('prop_key_too_long');
    expect(reason(run({ props: { k: 'x'.repeat(INGEST_LIMITS.propValueBytes + 1) } }))).toBe('prop_value_too_long');
    const d = run({ name: 'n'.repeat(200) });
    expect(d instanceof Drop && d.quarantined).toBe(true);
  });

  it('measures property values in UTF-8 bytes, not characters', () => {
    const euro = '€'; // 3 bytes in UTF-8
    expect(reason(run({ props: { k: euro.repeat(Math.floor(INGEST_LIMITS.propValueBytes / 3)) } }))).toBe('kept');
    expect(reason(run({ props: { k: euro.repeat(Math.floor(INGEST_LIMITS.propValueBytes / 3) + 1) } }))).toBe('prop_value_too_long');
  });

  it('refuses an event larger than 32 KB when the body is large enough to hold one', () => {
    const big = { name: 'x', properties: { blob: 'y'.repeat(INGEST_LIMITS.eventBytes) } };
    expect(reason(run({ input: big }, { bodyBytes: INGEST_LIMITS.eventBytes + 100 }))).toBe('event_too_large');
    expect(reason(run({ input: { name: 'small' } }, { bodyBytes: INGEST_LIMITS.eventBytes + 100 }))).toBe('kept');
  });
});
