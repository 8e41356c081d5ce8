// Scores the collector's enrichment against the labelled user agents in test/fixtures/user-agents/
// (used by test/enrichment-accuracy.test.ts and `npm run bench -- enrichment`).
import fs from 'node:fs';
import path from 'node:path';

export interface LabelledBrowser {
  ua: string;
  /** Absent where the source labels no device type (uap-core's browser tests), or no OS. */
  device?: 'desktop' | 'mobile' | 'tablet';
  browser: string;
  os?: string;
  /** User-Agent Client Hints the browser sent (Sec-CH-UA-Mobile, -Platform, -Model), when the case has them. */
  hints?: { mobile?: boolean; platform?: string; model?: string };
  /** What the tracker reported: screen size, navigator.maxTouchPoints, navigator.userAgentData.mobile. */
  report?: { screen_w?: number; screen_h?: number; touch?: number; mobile?: boolean };
  source: string;
  note?: string;
}

export interface LabelledCrawler {
  ua: string;
  source: string;
}

const DIR = path.join(import.meta.dirname, '..', 'fixtures', 'user-agents');

export function loadBrowsers(): LabelledBrowser[] {
  return JSON.parse(fs.readFileSync(path.join(DIR, 'browsers.json'), 'utf8'));
}

export function loadCrawlers(): LabelledCrawler[] {
  return JSON.parse(fs.readFileSync(path.join(DIR, 'crawlers.json'), 'utf8'));
}

/** What an enrichment under test says about one request: dropped as a bot, or the names it stored. */
export type Verdict = { bot: true } | { bot: false; device: string; browser: string; os: string };

export interface FieldScore {
  agree: number;
  total: number;
  rate: number;
  /** A few disagreements, for the failure message. */
  misses: string[];
}

export interface AgreementReport {
  device: FieldScore;
  browser: FieldScore;
  os: FieldScore;
  /** Real browsers not dropped as bots. */
  kept: FieldScore;
  /** Crawlers and non-browser clients dropped. */
  crawlersDropped: FieldScore;
}

function score(): FieldScore {
  return { agree: 0, total: 0, rate: 0, misses: [] };
}

function tally(s: FieldScore, ok: boolean, miss: () => string): void {
  s.total++;
  if (ok) s.agree++;
  else if (s.misses.length < (process.env.UA_MISSES ? 500 : 15)) s.misses.push(miss());
}

/** Agreement per field over both sets; browser, OS and device are judged on the browsers that were kept. */
export function agreement(
  browsers: LabelledBrowser[],
  crawlers: LabelledCrawler[],
  classify: (c: LabelledBrowser | LabelledCrawler) => Verdict,
): AgreementReport {
  const r: AgreementReport = { device: score(), browser: score(), os: score(), kept: score(), crawlersDropped: score() };
  for (const b of browsers) {
    const v = classify(b);
    tally(r.kept, !v.bot, () => b.ua);
    if (v.bot) continue;
    if (b.device) tally(r.device, v.device === b.device, () => `${v.device} ≠ ${b.device}: ${b.ua} ${JSON.stringify(b.report ?? {})}`);
    tally(r.browser, v.browser === b.browser, () => `${v.browser} ≠ ${b.browser}: ${b.ua}`);
    if (b.os) tally(r.os, v.os === b.os, () => `${v.os} ≠ ${b.os}: ${b.ua}`);
  }
  for (const c of crawlers) tally(r.crawlersDropped, classify(c).bot, () => JSON.stringify(c.ua));
  for (const s of Object.values(r)) s.rate = s.total ? s.agree / s.total : 0;
  return r;
}

/** The goals: device ≥ 95 %, browser and OS family ≥ 98 %, crawlers dropped ≥ 98 %, browsers kept ≥ 99.5 %. */
export const AGREEMENT_GOALS: Record<keyof AgreementReport, number> = {
  device: 0.95,
  browser: 0.98,
  os: 0.98,
  crawlersDropped: 0.98,
  kept: 0.995,
};

/** The request and event a labelled case stands for: its user agent, client hints and tracker report. */
export function caseInput(c: LabelledBrowser | LabelledCrawler): {
  userAgent: string;
  clientHints: { mobile: boolean | null; platform: string; model: string } | null;
  event: { screen_w: number | null; screen_h: number | null; client_touch: number | null; client_mobile: boolean | null };
} {
  const h = 'hints' in c ? c.hints : undefined;
  const r = 'report' in c ? c.report : undefined;
  return {
    userAgent: c.ua,
    clientHints: h ? { mobile: h.mobile ?? null, platform: h.platform ?? '', model: h.model ?? '' } : null,
    event: {
      screen_w: r?.screen_w ?? null,
      screen_h: r?.screen_h ?? null,
      client_touch: r?.touch ?? null,
      client_mobile: r?.mobile ?? null,
    },
  };
}
