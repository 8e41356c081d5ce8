/**
 * Tidemark JavaScript errors extension (built to dist/t.errors.js), loaded by t.js when the server names it
 * for the site (setting errors_enabled; docs/web-vitals.md). Uncaught errors and unhandled rejections
 * become `error_occurred` events: message, source file (query and fragment stripped), line, column and a
 * fingerprint of the message's shape and the top stack frames; at most 10 per page view, each distinct
 * fingerprint once.
 */
import type { TrackerInternals } from './internal';

const x = (window as unknown as { tidemark?: { _?: TrackerInternals } }).tidemark?._;
let seen: Record<string, 1> = {};
let sent = 0;
let page = location.href;

/** A URL without its query and fragment (they often carry tokens). */
const strip = (u: string) => u.replace(/[?#][^\s)]*/g, '');

/** FNV-1a of the text, as 8 hex digits: stable across browsers for the same shape of error. */
function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

function report(message: string, file: string, line: number, column: number, stack: string) {
  if (location.href != page) {
    page = location.href;
    seen = {};
    sent = 0;
  }
  // Numbers and quoted values vary between occurrences of one error: the fingerprint leaves them out.
  const shape = message.replace(/\d+/g, '0').replace(/(["'`]).*?\1/g, '?');
  const frames = strip(stack)
    .split('\n')
    .filter((l) => /:\d+/.test(l))
    .slice(0, 3)
    .map((l) => l.replace(/:\d+(:\d+)?/g, '').trim())
    .join('|');
  const fingerprint = hash(shape + '|' + (frames || strip(file)));
  if (seen[fingerprint] || sent > 9) return;
  seen[fingerprint] = 1;
  sent++;
  x!.t('error_occurred', {
    message: strip(message).slice(0, 500),
    source: strip(file).slice(0, 300),
    line,
    column,
    fingerprint,
    stack: strip(stack).slice(0, 1000),
  });
}

if (x?.c) {
  addEventListener(
    'error',
    (e: ErrorEvent) => {
      // Failed resources (img, script) also fire error on window in the capture phase: only script errors count.
      if (e.message) report(e.message, e.filename || '', e.lineno | 0, e.colno | 0, e.error?.stack || '');
    },
    true,
  );
  addEventListener('unhandledrejection', (e: PromiseRejectionEvent) => {
    const r = e.reason;
    report('Unhandled rejection: ' + (r?.message || r), '', 0, 0, r?.stack || '');
  });
}
