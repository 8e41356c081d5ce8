import { describe, expect, it } from 'vitest';
import { Drop } from '../drop';
import { runPipeline } from '../pipeline';
import { testContext, testEvent } from '../../../test/helpers/ingest';
import { quotaStep } from './quota';

describe('quota step', () => {
  it('passes everything without a limit', () => {
    const ctx = testContext();
    for (let i = 0; i < 5; i++) expect(quotaStep.run(testEvent({ name: 'e' }), ctx) instanceof Drop).toBe(false);
  });

  it('lets through as many events as remain this month, then drops with reason quota', () => {
    const ctx = testContext({ quotaRemaining: 2 });
    const verdicts = Array.from({ length: 4 }, () => quotaStep.run(testEvent({ name: 'e' }), ctx));
    expect(verdicts.map((v) => (v instanceof Drop ? v.reason : 'kept'))).toEqual(['kept', 'kept', 'quota', 'quota']);
    expect((verdicts[2] as Drop).quarantined).toBe(false);
  });

  it('runs after the filters in the pipeline: filtered events do not use up the budget', () => {
    const base = testContext();
    const ctx = testContext({ quotaRemaining: 1, site: { ...base.site, excluded_paths: ['/admin/**'] } });
    const events = [
      testEvent({ name: 'page_view', url: 'https://example.com/admin/x', path: '/admin/x' }),
      testEvent({ name: 'page_view' }),
      testEvent({ name: 'page_view' }),
    ];
    const r = runPipeline(events, ctx);
    expect(r.events).toHaveLength(1);
    expect(r.dropped.map((d) => d.drop.reason).sort()).toEqual(['excluded_path', 'quota']);
  });
});
