import type { Page } from 'playwright-core';
import { replayFixturePage } from '../../packages/tracker/test/fixtures/replay-pages';

/**
 * The pages a bench visit goes through and what the person does on them. Every page set gets the same
 * person (bench/replay/run.ts): a page load every 15 s, typing first, then about once a second a mouse path,
 * a wheel turn and a click.
 */
export interface PageSet {
  name: string;
  /** What the table calls it. */
  label: string;
  html(url: string, snippet: string): string;
  /** The path of the visit's n-th page load. */
  path(n: number): string;
  /** Right after the n-th page load. */
  type(page: Page, n: number): Promise<void>;
  /** One click of the loop; `pick` is the visit's seeded random number. */
  click(page: Page, n: number, pick: number): Promise<void>;
}

/** The fixture pages (the replay test's): a form with a password, a card number and a name, a masked block; a second page. */
export const FIXTURE_PAGES: PageSet = {
  name: 'fixture',
  label: 'fixture pages (the replay test’s: a form, a masked block, plain text; a second page)',
  html: replayFixturePage,
  path: (n) => (n % 2 ? `/second?${n}` : `/first?${n}`),
  async type(page, n) {
    if (n % 2) return;
    await page.locator('#pw').pressSequentially(`secret ${n}`, { delay: 80 });
    await page.locator('#cc').pressSequentially('4242424242424242', { delay: 80 });
    await page.locator('#name').pressSequentially(`Jane ${n}`, { delay: 80 });
  },
  click: (page, n) =>
    page
      .locator(n % 2 ? '#buy' : '#early')
      .click()
      .catch(() => undefined),
};

function shop(url: string, snippet: string): string {
  const items = Array.from(
    { length: 120 },
    (_, i) =>
      `<li class="item"><h3>Product ${i}</h3><p>Description of product ${i}, with a price of ${(i * 7.3).toFixed(2)} EUR.</p><button type="button">Add</button></li>`,
  ).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop ${url}</title>
<style>body{font-family:sans-serif;margin:2rem} .item{padding:.5rem;border-bottom:1px solid #ddd}</style>${snippet}</head>
<body><h1>Shop ${url}</h1><form onsubmit="return false"><input id="q" placeholder="Search"><input id="email" type="email"><input type="password" id="pw"></form>
<div data-tm-mask><p>Account balance 1,234.56 EUR</p></div><ul>${items}</ul>
<script>document.querySelectorAll('button').forEach(function(b){b.addEventListener('click',function(){b.textContent='Added';});});</script>
</body></html>`;
}

/** A heavier page than the fixture: a shop of 120 products (about 1,000 nodes to snapshot), scrolled through. */
export const SHOP_PAGES: PageSet = {
  name: 'shop',
  label: 'shop page (120 products, about 1,000 nodes; a search form, a masked block)',
  html: shop,
  path: (n) => `/p${n}`,
  async type(page, n) {
    await page.locator('#q').pressSequentially(`shoes ${n}`, { delay: 80 });
    await page.locator('#pw').pressSequentially('secret', { delay: 80 });
  },
  click: (page, _n, pick) =>
    page
      .locator('.item button')
      .nth(Math.floor(pick * 20))
      .click()
      .catch(() => undefined),
};

export const PAGE_SETS = [FIXTURE_PAGES, SHOP_PAGES];
