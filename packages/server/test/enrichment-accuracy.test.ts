// Enrichment measured against labelled user agents (test/fixtures/user-agents/README.md): the real bot and
// user-agent steps, fed each case's user agent, client hints and tracker report as a request would.
import { describe, expect, it } from 'vitest';
import { Drop } from '../src/ingest/drop';
import { botStep } from '../src/ingest/steps/bot';
import { userAgentStep } from '../src/ingest/steps/user-agent';
import { testContext, testEvent, testServices } from './helpers/ingest';
import { AGREEMENT_GOALS, agreement, caseInput, loadBrowsers, loadCrawlers, type Verdict } from './helpers/ua-agreement';

const services = testServices();

function enrich(c: Parameters<typeof caseInput>[0]): Verdict {
  const input = caseInput(c);
  const ctx = testContext({
    userAgent: input.userAgent,
    services,
    signals: { dnt: false, gpc: false, hasAcceptLanguage: true, hasAccept: true, webdriver: false, clientHints: input.clientHints },
  });
  let ev = testEvent(input.event, ctx);
  for (const step of [botStep, userAgentStep]) {
    const r = step.run(ev, ctx);
    if (r instanceof Drop) return { bot: true };
    ev = r;
  }
  return { bot: false, device: ev.device_type, browser: ev.browser, os: ev.os };
}

describe('enrichment accuracy on labelled user agents', () => {
  const browsers = loadBrowsers();
  const crawlers = loadCrawlers();
  const report = agreement(browsers, crawlers, enrich);

  it('has a labelled set of several hundred browsers across device types, and a crawler list', () => {
    const count = (d: string) => browsers.filter((b) => b.device === d).length;
    expect(browsers.length).toBeGreaterThanOrEqual(400);
    expect(count('tablet')).toBeGreaterThanOrEqual(60);
    expect(count('mobile')).toBeGreaterThanOrEqual(150);
    expect(count('desktop')).toBeGreaterThanOrEqual(100);
    expect(browsers.filter((b) => b.os === 'ChromeOS').length).toBeGreaterThanOrEqual(5);
    expect(crawlers.length).toBeGreaterThanOrEqual(1000);
  });

  for (const [field, goal] of Object.entries(AGREEMENT_GOALS) as [keyof typeof report, number][]) {
    it(`${field}: agreement at least ${(goal * 100).toFixed(1)} %`, () => {
      const s = report[field];
      console.log(`${field}: ${s.agree}/${s.total} = ${(s.rate * 100).toFixed(2)} %`);
      if (process.env.UA_MISSES) console.log(s.misses.join('\n'));
      expect(s.rate, `${field} ${(s.rate * 100).toFixed(2)} %; misses:\n${s.misses.join('\n')}`).toBeGreaterThanOrEqual(goal);
    });
  }

  it('never drops a hand-written vendor browser, and never names a parser-internal token', () => {
    for (const b of browsers) {
      const v = enrich(b);
      if (b.source === 'vendor') expect(v.bot, b.ua).toBe(false);
      if (!v.bot) expect(['Mozilla', 'WebKit', 'Netscape', 'Blink', 'Gecko', '']).not.toContain(v.browser);
    }
  });
});
