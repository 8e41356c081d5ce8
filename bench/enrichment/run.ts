/**
 * `npm run bench -- enrichment`: agreement of the collector's bot, browser, OS and device enrichment with the
 * labelled user agents in packages/server/test/fixtures/user-agents/, and the cost per event of the bot and
 * user-agent steps, for the previous implementation (baseline.ts) and the current steps, in the same run.
 */
import { performance } from 'node:perf_hooks';
import { Drop, type PreEvent, type RequestContext } from '../../packages/server/src/ingest';
import { LruCache } from '../../packages/server/src/ingest/lib/lru';
import { parseUserAgent } from '../../packages/server/src/ingest/lib/user-agent';
import { botStep } from '../../packages/server/src/ingest/steps/bot';
import { userAgentStep } from '../../packages/server/src/ingest/steps/user-agent';
import { testContext, testEvent, testServices } from '../../packages/server/test/helpers/ingest';
import {
  AGREEMENT_GOALS,
  agreement,
  caseInput,
  loadBrowsers,
  loadCrawlers,
  type AgreementReport,
  type LabelledBrowser,
  type LabelledCrawler,
  type Verdict,
} from '../../packages/server/test/helpers/ua-agreement';
import { fmt, machineInfo, today } from '../lib/machine';
import { writeResultSection } from '../lib/readme';
import { baselineParse, type BaselineUa } from './baseline';

export interface EnrichmentBenchOptions {
  /** Events per timing round. */
  events: number;
  write: boolean;
}

type Case = LabelledBrowser | LabelledCrawler;

interface Prepared {
  ctx: RequestContext;
  ev: PreEvent;
}

/** One request context and event per case, built once: the timings measure the steps, not the set-up. */
function prepare(cases: Case[]): Prepared[] {
  const services = testServices();
  return cases.map((c) => {
    const input = caseInput(c);
    const ctx = testContext({
      userAgent: input.userAgent,
      services,
      signals: { dnt: false, gpc: false, hasAcceptLanguage: true, hasAccept: true, webdriver: false, clientHints: input.clientHints },
    });
    return { ctx, ev: testEvent(input.event, ctx) };
  });
}

function runAfter(p: Prepared): Verdict {
  let ev = p.ev;
  for (const step of [botStep, userAgentStep]) {
    const r = step.run(ev, p.ctx);
    if (r instanceof Drop) return { bot: true };
    ev = r;
  }
  return { bot: false, device: ev.device_type, browser: ev.browser, os: ev.os };
}

/** The previous steps: the bot step (browser checks, then the cached parse), then the user-agent step. */
function baselineRunner(): (p: Prepared) => Verdict {
  const cache = new LruCache<string, BaselineUa>(20_000);
  const get = (ua: string) => {
    let info = cache.get(ua);
    if (!info) {
      info = baselineParse(ua);
      cache.set(ua, info);
    }
    return info;
  };
  return (p) => {
    const ua = p.ctx.userAgent;
    if (!ua || !p.ctx.signals.hasAcceptLanguage || p.ctx.signals.webdriver || get(ua).bot) return { bot: true };
    const info = get(ua);
    p.ev.browser = info.browser;
    p.ev.browser_version = info.browser_version;
    p.ev.os = info.os;
    p.ev.os_version = info.os_version;
    p.ev.device_type = info.device_type;
    return { bot: false, device: info.device_type, browser: info.browser, os: info.os };
  };
}

/** Median of `rounds` samples of each variant, taken alternately so that both see the same machine load. */
function alternate(rounds: number, variants: (() => number)[]): number[] {
  const samples = variants.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) for (let i = 0; i < variants.length; i++) samples[i].push(variants[i]());
  return samples.map((s) => s.sort((a, b) => a - b)[s.length >> 1]);
}

/** ns per event over `events` events cycling through the cases. */
function perEvent(prepared: Prepared[], run: (p: Prepared) => Verdict, events: number): number {
  const t0 = performance.now();
  for (let i = 0; i < events; i++) run(prepared[i % prepared.length]);
  return ((performance.now() - t0) * 1e6) / events;
}

/** µs per parse of a user agent not seen before (what a cache miss costs). */
function perParse(uas: string[], parse: (ua: string) => unknown): number {
  const t0 = performance.now();
  for (const ua of uas) parse(ua);
  return ((performance.now() - t0) * 1e3) / uas.length;
}

const ROUNDS = 9;
const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const FIELDS: [keyof AgreementReport, string][] = [
  ['device', 'device type'],
  ['browser', 'browser family'],
  ['os', 'OS family'],
  ['crawlersDropped', 'crawlers dropped'],
  ['kept', 'real browsers kept'],
];

export async function runEnrichmentBench(opts: EnrichmentBenchOptions): Promise<void> {
  const browsers = loadBrowsers();
  const crawlers = loadCrawlers();
  const before = agreement(browsers, crawlers, (c) => baselineRunner()(prepare([c])[0]));
  const after = agreement(browsers, crawlers, (c) => runAfter(prepare([c])[0]));

  // Timing workload: the labelled browsers (what a site mostly sees) with one crawler in fifty.
  const mix: Case[] = [...browsers, ...crawlers.filter((_, i) => i % 50 === 0)];
  const preparedAfter = prepare(mix);
  const preparedBefore = prepare(mix);
  const runBefore = baselineRunner();
  // Warm the caches and the JIT.
  for (const p of preparedBefore) runBefore(p);
  for (const p of preparedAfter) runAfter(p);
  const [nsBefore, nsAfter] = alternate(ROUNDS, [
    () => perEvent(preparedBefore, runBefore, opts.events),
    () => perEvent(preparedAfter, runAfter, opts.events),
  ]);
  const distinct = [...new Set(mix.map((c) => c.ua))];
  const [usBefore, usAfter] = alternate(ROUNDS, [() => perParse(distinct, baselineParse), () => perParse(distinct, parseUserAgent)]);

  const rows = FIELDS.map(([k, label]) => {
    const goal = AGREEMENT_GOALS[k];
    return `| ${label} | ${after[k].total} | ${pct(before[k].rate)} | ${pct(after[k].rate)} | ≥ ${(goal * 100).toFixed(1)} % | ${after[k].rate >= goal ? 'met' : '**not met**'} |`;
  });
  const sources = [...new Set(browsers.map((b) => b.source))];
  const bySource = sources.map((src) => {
    const sub = browsers.filter((b) => b.source === src);
    const b = agreement(sub, [], (c) => baselineRunner()(prepare([c])[0]));
    const a = agreement(sub, [], (c) => runAfter(prepare([c])[0]));
    const cell = (k: keyof AgreementReport) => (a[k].total ? `${pct(b[k].rate)} → ${pct(a[k].rate)} (${a[k].total})` : '—');
    return `| ${src} | ${cell('device')} | ${cell('browser')} | ${cell('os')} | ${cell('kept')} |`;
  });
  const md = `### Last run (${today()})

${machineInfo()}

Agreement with the labelled set (${browsers.length} browsers, ${crawlers.length} crawlers and non-browser clients;
browser, OS and device judged on the browsers kept):

| field | cases | before | after | goal | |
|---|---:|---:|---:|---:|---|
${rows.join('\n')}

By source of the browsers (before → after, cases):

| source | device type | browser family | OS family | kept |
|---|---:|---:|---:|---:|
${bySource.join('\n')}

Cost of the bot and user-agent steps (median of ${ROUNDS} rounds of ${fmt(opts.events)} events cycling through
${fmt(mix.length)} cases, ${fmt(distinct.length)} distinct user agents, parse cache warm), and of one parse of a
user agent not in the cache (rounds of before and after alternate, so both see the same machine load):

| | before | after |
|---|---:|---:|
| per event (cache hit) | ${nsBefore.toFixed(0)} ns | ${nsAfter.toFixed(0)} ns |
| per new user agent (cache miss) | ${usBefore.toFixed(1)} µs | ${usAfter.toFixed(1)} µs |`;
  console.log(md);
  if (opts.write) writeResultSection('enrichment', md);
}
