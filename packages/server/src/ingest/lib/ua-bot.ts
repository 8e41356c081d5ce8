import { isbot } from 'isbot';

/**
 * Bot rules beyond isbot's list. Every rule is written so that no user agent a real browser sends can
 * match it (the labelled browsers in test/fixtures/user-agents/ prove it): real browsers all send
 * `Mozilla/5.0 (platform) <engine token> …`.
 */

// Automation that dresses as a browser: isbot knows most; these catch the rest.
const HEADLESS_RE =
  /headless|phantomjs|slimerjs|puppeteer|playwright|selenium|webdriver|chrome-lighthouse|gtmetrix|electron\/.*\bheadless/i;

// Attacks sent in the User-Agent header: SQL, template and shell injection, JNDI lookups, markup, path traversal.
const PROBE_RE =
  /<\s*\/?\s*(?:script|img|svg|iframe)\b|\$\{|\{\{|\bunion\s+(?:all\s+)?select\b|'\s*(?:or|and)\s+['\d]|\bsleep\s*\(|--\s*$|;\s*--|\(\)\s*\{|\.\.\/|\/etc\/passwd|\bjndi:/i;

// What a browser's user agent has: a product, a parenthesised platform and a rendering engine.
const BROWSER_SHAPE_RE =
  /^Mozilla\/[45]\.0 \([^)]+\).*(?:AppleWebKit\/|Gecko\/|Trident\/|Presto\/)|^Mozilla\/[45]\.0 \(compatible; MSIE |^Opera\/9\.80 \(/;

/** A crawler, script or automation by its user agent alone (any contract). */
export function isBotAgent(ua: string): boolean {
  return isbot(ua) || HEADLESS_RE.test(ua) || PROBE_RE.test(ua);
}

/**
 * Not a browser at all (curl, python-requests, Go-http-client, a bare "Mozilla/5.0" …). Only judged for
 * events from the tracker: a server-side client may pass on a native app's user agent, which is no bot.
 */
export function isNotBrowserAgent(ua: string): boolean {
  return !BROWSER_SHAPE_RE.test(ua);
}
