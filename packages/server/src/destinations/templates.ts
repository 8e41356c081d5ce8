import Mustache from 'mustache';
import type { ActionPerson, DeliveryContext } from './types';

/**
 * Templates of mails and Slack messages: Mustache over `person`, `event`, `reason` and `data`
 * (`{{person.traits.plan}}`, `{{event.path}}`, `{{#data.trigger}}…{{/data.trigger}}`). What a template
 * inserts comes from tracked data, so each output escapes for where it goes: HTML for the mail's HTML
 * part, Slack's three control characters for Slack, nothing for plain text.
 */
export interface TemplateView {
  person: ActionPerson;
  event: DeliveryContext['event'] | null;
  reason: string;
  data: Record<string, unknown>;
}

export const templateView = (person: ActionPerson, ctx: DeliveryContext): TemplateView => ({
  person,
  event: ctx.event ?? null,
  reason: ctx.reason,
  data: ctx.data ?? {},
});

const slackEscape = (s: string) => s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);

export type TemplateOutput = 'text' | 'html' | 'slack';

/** Renders `template`; a template that does not parse throws (the caller reports it as a settings error). */
export function renderTemplate(template: string, view: TemplateView, output: TemplateOutput): string {
  // HTML: Mustache's own escaping (its default).
  if (output === 'html') return Mustache.render(template, view);
  const escapeValue = output === 'slack' ? slackEscape : (s: string) => s;
  return Mustache.render(template, view, undefined, { escape: (v: unknown) => escapeValue(String(v)) });
}

/** Checks a template parses (for the modules that store them: reject a broken one at save time). */
export function checkTemplate(template: string): string | null {
  try {
    Mustache.parse(template);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
