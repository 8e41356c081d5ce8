import type { PrivacyRequest } from '@tidemark/core';

const DAY = 86_400_000;

/** "12 days left", "due today", "3 days overdue" — for open requests; completed ones say when they were done. */
export function deadlineText(r: PrivacyRequest, now = Date.now()): string {
  if (r.status === 'completed') return 'Done';
  const days = Math.ceil((Date.parse(r.due_at) - now) / DAY);
  if (days > 1) return `${days} days left`;
  if (days === 1) return '1 day left';
  if (days === 0) return 'Due today';
  return `${-days} days overdue`;
}

/** "events 4 · raw_payloads 3": what a request found or removed, in a line of text. */
export function countsText(c: Record<string, number> | null): string {
  if (!c) return '';
  return Object.entries(c)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k.replace(/_/g, ' ')} ${n}`)
    .join(' · ');
}

export const isOpen = (r: PrivacyRequest) => r.status === 'pending' || r.status === 'running';
