import type { Trigger, TriggerInput } from '@tidemark/core';

/** The Triggers page's view state in the URL: the open trigger (`?t=<id>`) and its firings page (`&o=<offset>`). */
export interface TriggersView {
  selected: string | null;
  offset: number;
}

export function parseTriggersView(search: string): TriggersView {
  const q = new URLSearchParams(search);
  const t = q.get('t');
  const o = Number(q.get('o') ?? 0);
  return { selected: t && t.length <= 64 ? t : null, offset: Number.isInteger(o) && o >= 0 && o <= 1_000_000 ? o : 0 };
}

export function serializeTriggersView(v: TriggersView): string {
  const q = new URLSearchParams();
  if (v.selected) q.set('t', v.selected);
  if (v.selected && v.offset) q.set('o', String(v.offset));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The editor's fields (one action; the API takes up to ten). */
export interface TriggerFormState {
  name: string;
  enabled: boolean;
  condition: 'event' | 'score_at_least' | 'segment_is' | 'inactive' | 'goal_not_completed';
  eventName: string;
  path: string;
  /** "plan=pro, source=ad" */
  props: string;
  score: string;
  segmentId: string;
  days: string;
  goalId: string;
  withinMinutes: string;
  delay: string;
  action: 'webhook' | 'email' | 'slack';
  url: string;
  secret: string;
  emailTo: string;
  subject: string;
  body: string;
  text: string;
  frequency: 'none' | '1_per_session' | 'once' | 'count';
  count: string;
  per: 'day' | 'week' | 'month' | 'quarter';
  quietStart: string;
  quietEnd: string;
}

export const EMPTY_TRIGGER_FORM: TriggerFormState = {
  name: '',
  enabled: true,
  condition: 'event',
  eventName: 'page_view',
  path: '',
  props: '',
  score: '60',
  segmentId: '',
  days: '14',
  goalId: '',
  withinMinutes: '60',
  delay: '0',
  action: 'webhook',
  url: '',
  secret: '',
  emailTo: 'person',
  subject: '',
  body: '',
  text: '',
  frequency: 'none',
  count: '1',
  per: 'day',
  quietStart: '',
  quietEnd: '',
};

function parseProps(text: string): Record<string, string> | undefined {
  const pairs = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const i = p.indexOf('=');
      return i < 0 ? [p, ''] : [p.slice(0, i).trim(), p.slice(i + 1).trim()];
    });
  return pairs.length ? Object.fromEntries(pairs) : undefined;
}

/** The form as a definition; the server validates it whole (numbers left as typed are refused there). */
export function toTriggerInput(f: TriggerFormState): TriggerInput {
  const event = {
    name: f.eventName.trim(),
    ...(f.path.trim() ? { path: f.path.trim() } : {}),
    ...(parseProps(f.props) ? { props: parseProps(f.props) } : {}),
  };
  const condition: TriggerInput['condition'] =
    f.condition === 'event'
      ? { type: 'event', event }
      : f.condition === 'score_at_least'
        ? { type: 'score_at_least', score: Number(f.score) }
        : f.condition === 'segment_is'
          ? { type: 'segment_is', segment_id: f.segmentId }
          : f.condition === 'inactive'
            ? { type: 'inactive', days: Number(f.days) }
            : { type: 'goal_not_completed', after: event, goal_id: f.goalId, within_minutes: Number(f.withinMinutes) };
  const action: TriggerInput['actions'][number] =
    f.action === 'webhook'
      ? { type: 'webhook', url: f.url.trim(), ...(f.secret ? { secret: f.secret } : {}) }
      : f.action === 'email'
        ? { type: 'email', to: f.emailTo.trim() || 'person', subject: f.subject, body: f.body }
        : { type: 'slack', ...(f.url.trim() ? { webhook_url: f.url.trim() } : {}), text: f.text };
  return {
    name: f.name,
    enabled: f.enabled,
    condition,
    delay_minutes: Number(f.delay || 0),
    actions: [action],
    max_frequency: f.frequency === 'none' ? null : f.frequency === 'count' ? { count: Number(f.count), per: f.per } : f.frequency,
    quiet_hours: f.quietStart && f.quietEnd ? { start: f.quietStart, end: f.quietEnd } : null,
  };
}

/** A stored trigger in the editor; secrets are never sent back, so an unchanged field keeps the stored one. */
export function fromTrigger(t: Trigger): TriggerFormState {
  const c = t.condition;
  const ev = c.type === 'event' ? c.event : c.type === 'goal_not_completed' ? c.after : null;
  const a = t.actions[0];
  const f = t.max_frequency;
  return {
    ...EMPTY_TRIGGER_FORM,
    name: t.name,
    enabled: t.enabled,
    condition: c.type,
    eventName: ev?.name ?? 'page_view',
    path: ev?.path ?? '',
    props: Object.entries(ev?.props ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(', '),
    score: c.type === 'score_at_least' ? String(c.score) : EMPTY_TRIGGER_FORM.score,
    segmentId: c.type === 'segment_is' ? c.segment_id : '',
    days: c.type === 'inactive' ? String(c.days) : EMPTY_TRIGGER_FORM.days,
    goalId: c.type === 'goal_not_completed' ? c.goal_id : '',
    withinMinutes: c.type === 'goal_not_completed' ? String(c.within_minutes) : EMPTY_TRIGGER_FORM.withinMinutes,
    delay: String(t.delay_minutes),
    action: a?.type === 'email' || a?.type === 'slack' ? a.type : 'webhook',
    url: a?.type === 'webhook' ? a.url : '',
    emailTo: a?.type === 'email' ? a.to : 'person',
    subject: a?.type === 'email' ? a.subject : '',
    body: a?.type === 'email' ? a.body : '',
    text: a?.type === 'slack' ? a.text : '',
    frequency: f === null ? 'none' : typeof f === 'string' ? f : 'count',
    count: f && typeof f === 'object' ? String(f.count) : '1',
    per: f && typeof f === 'object' ? f.per : 'day',
    quietStart: t.quiet_hours?.start ?? '',
    quietEnd: t.quiet_hours?.end ?? '',
  };
}

/** "2 per day", "once per session" … for the list. */
export function describeFrequency(f: Trigger['max_frequency']): string {
  if (f === null) return 'no cap';
  if (f === 'once') return 'once ever';
  if (f === '1_per_session') return 'once per session';
  return `${f.count} per ${f.per}`;
}
