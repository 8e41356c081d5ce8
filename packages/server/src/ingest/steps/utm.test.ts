import { describe, expect, it } from 'vitest';
import { Drop } from '../drop';
import { testEvent } from '../../../test/helpers/ingest';
import { utmStep } from './utm';
import { testContext } from '../../../test/helpers/ingest';

const run = (over: Parameters<typeof testEvent>[0]) => {
  const r = utmStep.run(testEvent(over), testContext());
  if (r instanceof Drop) throw new Error('unexpected drop');
  return r;
};

describe('utm step', () => {
  it('reads campaign parameters from the page URL when the client sent none', () => {
    const ev = run({
      url: 'https://example.com/?utm_source=Newsletter&utm_medium=email&utm_campaign=spring%20sale&utm_term=shoes&utm_content=hero#top',
    });
    expect([ev.utm_source, ev.utm_medium, ev.utm_campaign, ev.utm_term, ev.utm_content]).toEqual([
      'Newsletter',
      'email',
      'spring sale',
      'shoes',
      'hero',
    ]);
  });
  it('keeps what the client sent over the URL', () => {
    const ev = run({ url: 'https://example.com/?utm_source=url', utm_source: 'sent' });
    expect(ev.utm_source).toBe('sent');
  });
  it('leaves URLs without campaign parameters alone', () => {
    const ev = run({ url: 'https://example.com/?q=utm' });
    expect(ev.utm_source).toBe('');
    expect(run({ url: 'https://example.com/a#utm_source=x' }).utm_source).toBe('');
  });
  it('bounds values to 300 characters', () => {
    expect(run({ url: `https://example.com/?utm_campaign=${'c'.repeat(500)}` }).utm_campaign).toHaveLength(300);
  });
});
