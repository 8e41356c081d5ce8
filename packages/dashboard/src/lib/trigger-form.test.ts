import { describe, expect, it } from 'vitest';
import { triggerInputSchema, type Trigger } from '@tidemark/core';
import { EMPTY_TRIGGER_FORM, fromTrigger, parseTriggersView, serializeTriggersView, toTriggerInput } from './trigger-form';

describe('trigger form', () => {
  it('turns the editor fields into a definition the server schema accepts, and back', () => {
    const input = toTriggerInput({
      ...EMPTY_TRIGGER_FORM,
      name: 'Pro pricing',
      path: '/pricing*',
      props: 'plan=pro, source = ad',
      delay: '30',
      url: 'https://hooks.example.com/x',
      secret: 's',
      frequency: 'count',
      count: '2',
      per: 'week',
      quietStart: '22:00',
      quietEnd: '07:00',
    });
    const parsed = triggerInputSchema.parse(input);
    expect(parsed.condition).toEqual({
      type: 'event',
      event: { name: 'page_view', path: '/pricing*', props: { plan: 'pro', source: 'ad' } },
    });
    expect(parsed.max_frequency).toEqual({ count: 2, per: 'week' });
    const stored: Trigger = {
      ...parsed,
      id: 't1',
      site_id: 's1',
      actions: [{ type: 'webhook', url: 'https://hooks.example.com/x', secret_set: true }],
      created_at: 0,
      updated_at: 0,
    };
    const back = fromTrigger(stored);
    expect(back).toMatchObject({
      name: 'Pro pricing',
      props: 'plan=pro, source=ad',
      delay: '30',
      frequency: 'count',
      per: 'week',
      secret: '',
    });
    // Unchanged and saved again: the secret is left out, so the stored one is kept.
    expect(toTriggerInput(back).actions).toEqual([{ type: 'webhook', url: 'https://hooks.example.com/x' }]);
  });

  it('keeps the open trigger and its firings page in the URL', () => {
    expect(parseTriggersView(serializeTriggersView({ selected: 'abc', offset: 25 }))).toEqual({ selected: 'abc', offset: 25 });
    expect(serializeTriggersView({ selected: null, offset: 25 })).toBe('');
    expect(parseTriggersView('?t=abc&o=-4')).toEqual({ selected: 'abc', offset: 0 });
  });
});
