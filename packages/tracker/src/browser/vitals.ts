/**
 * Tidemark web vitals extension (built to dist/t.vitals.js), loaded by t.js when the server names it for
 * the site (setting vitals_enabled; docs/web-vitals.md). Google's `web-vitals` library measures LCP, INP,
 * CLS, FCP and TTFB; one `page_performance` event per page load carries the latest values when the page is
 * first hidden or left. Values: ms, CLS unitless (3 decimals).
 */
import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from 'web-vitals';
import type { TrackerInternals } from './internal';

const d = document;
const x = (window as unknown as { tidemark?: { _?: TrackerInternals } }).tidemark?._;
const values: Record<string, number> = {};
let sent = 0;

const keep = (m: Metric) => {
  values[m.name.toLowerCase()] = m.name == 'CLS' ? Math.round(m.value * 1000) / 1000 : Math.round(m.value);
};

function send() {
  if (sent || !(values.ttfb >= 0 || values.fcp >= 0 || values.lcp >= 0)) return;
  sent = 1;
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  x!.t('page_performance', { ...values, navigation_type: nav?.type });
}

if (x?.c) {
  // Every change of CLS and INP is kept: pages that go away without being hidden first (some closes, bfcache
  // misses) fire only pagehide, and the library reports their final values on visibilitychange alone.
  for (const on of [onCLS, onFCP, onINP, onLCP, onTTFB]) on(keep, { reportAllChanges: true });
  // On window, bubbling: after the library's listeners on document (some it adds only later), so its final
  // LCP, CLS and INP are in before this runs.
  addEventListener('visibilitychange', () => d.hidden && send());
  addEventListener('pagehide', send);
}
