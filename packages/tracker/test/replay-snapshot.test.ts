import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplayClientConfig } from '@tidemark/core';
import { chromiumUnavailable } from './helpers/browser';
import { buildRecorder, startRecorderPages, type RecorderPages } from './helpers/recorder';

/**
 * The recorder's faster serializer (src/browser/replay-snapshot.ts) against rrweb's own, in Chromium: the
 * same pages recorded by the recorder built with it and without it give the same full snapshot (every node,
 * id, attribute and masked text) and the same mutation events for the same changes afterwards. The pages
 * mix what the faster path takes (plain elements and text) with everything it leaves to rrweb.
 */
const unavailable = chromiumUnavailable();

const shop = `<h1>Shop</h1><form onsubmit="return false"><input id="q" placeholder="Search" value="shoes">
<input id="email" type="email"><input type="password" id="pw" value="hunter2"></form>
<div data-tm-mask><p>Account balance 1,234.56 EUR</p></div>
<ul>${Array.from({ length: 40 }, (_, i) => `<li class="item"><h3>Product ${i}</h3><p>Price ${(i * 7.3).toFixed(2)} EUR</p><button type="button">Add</button></li>`).join('\n')}</ul>`;

const kitchenSink = `<header class="top" style="background:url(img/bg.png) no-repeat"><nav><a href="/pricing">Pricing</a> <a href="#top">Top</a>
<a href="https://other.example/x?y=1">Other</a></nav></header>
<main id="main">
  <!-- a comment -->
  <section data-tm-mask title="kept"><h2>Masked heading</h2><p>Secret <b>bold</b> text<br>line two</p>
    <div><span>deep secret</span></div></section>
  <div class="rr-block"><p>blocked by class</p></div>
  <div data-tm-block><p>blocked by attribute</p></div>
  <p class="RR-MASK">not the mask class (case)</p><div class="RR-BLOCK"><p>not the block class (case)</p></div>
  <article><p class="rr-mask">masked by class</p><p>visible <em>words</em> &amp; entities &lt;here&gt;</p></article>
  <table background="tile.png"><caption>Prices</caption><thead><tr><th scope="col">A</th><th>B</th></tr></thead>
    <tbody><tr><td background="cell.png">1</td><td>2</td></tr></tbody></table>
  <img src="pic.png" srcset="pic-1x.png 1x, pic-2x.png 2x" alt="A picture">
  <picture><source srcset="a.webp" type="image/webp"><img src="a.png" alt=""></picture>
  <svg width="20" height="20"><a href="/in-svg"><circle cx="10" cy="10" r="5"></circle></a><text x="0" y="10">svg text</text></svg>
  <textarea name="notes">typed notes</textarea>
  <select name="plan"><option>Free</option><option selected>Pro</option></select>
  <label><input type="checkbox" checked> Agree</label>
  <details open><summary>More</summary><p>Inside details</p></details>
  <dialog open><p>Dialog text</p></dialog>
  <div id="scroller" style="height:40px;overflow:auto"><div style="height:400px">tall content</div></div>
  <pre>  preformatted
     text  </pre>
  <my-card><p>light DOM of a custom element</p></my-card>
  <div id="host"></div>
  <template><p>template content</p></template>
  <noscript><p>no script</p></noscript>
  <iframe srcdoc="<p>inside a same-origin frame</p>"></iframe>
  <video src="clip.mp4" autoplay muted></video>
  <p>Text      with    runs of spaces
  and a newline</p>
  <ul><li>one</li><li>two <a href="rel/link">link</a></li></ul>
</main>
<footer><small>© Example</small></footer>
<script>
  customElements.define('my-card', class extends HTMLElement {});
  document.getElementById('host').attachShadow({ mode: 'open' }).innerHTML = '<p>in the shadow</p><span>shadow span</span>';
  document.getElementById('scroller').scrollTop = 25;
</script>`;

const head = `<meta charset="utf-8"><title>Compare</title>
  <meta name="description" content="d"><meta property="og:title" content="o">
  <link rel="icon" href="/favicon.ico">
  <style>body { font-family: sans-serif } .item { padding: 4px }</style>
  <script>window.inline = 1;</script>
  <script src="/record.js"></script>`;

const page = (body: string) => `<!doctype html><html lang="en"><head>
  ${head}
</head>
<body>
${body}
</body></html>`;

/** Changes after the recorder started: added subtrees (plain and not, masked and not), text, attributes, removals. */
function mutate() {
  const main = document.querySelector('main, ul')!;
  const added = document.createElement('div');
  added.innerHTML =
    '<h4>Added heading</h4><p>Added <strong>text</strong> with <a href="/added">a link</a></p><input value="typed later"><!-- note -->';
  main.appendChild(added);
  const masked = document.querySelector('[data-tm-mask]');
  if (masked) {
    const p = document.createElement('p');
    p.textContent = 'added inside the masked block';
    masked.appendChild(p);
  }
  const first = document.querySelector('p');
  if (first) first.firstChild!.textContent = 'changed text';
  document.querySelector('h1, h2')?.setAttribute('data-state', 'changed');
  document.querySelector('li')?.remove();
  document.getElementById('host')?.shadowRoot?.appendChild(document.createElement('em')).append('added in the shadow');
}

interface Recorded {
  snapshot: unknown;
  mutations: unknown[];
  nodes: number;
}

describe.skipIf(unavailable)('the recorder’s faster serializer gives what rrweb’s gives', () => {
  let pages: RecorderPages;
  const bundles: Record<'rrweb' | 'fast', string> = { rrweb: '', fast: '' };

  beforeAll(async () => {
    // Built as t.replay.js is shipped (esbuild, then terser), with and without the faster serializer.
    bundles.rrweb = await buildRecorder({ fastSerializer: false });
    bundles.fast = await buildRecorder();
    expect(bundles.fast).not.toBe(bundles.rrweb);
    // The same page in quirks mode too, where class selectors ignore case and the class checks do not.
    const byPath: Record<string, string> = {
      '/shop': page(shop),
      '/sink': page(kitchenSink),
      '/quirks': page(kitchenSink).replace('<!doctype html>', ''),
    };
    pages = await startRecorderPages((p) => byPath[p]);
  }, 60_000);

  afterAll(() => pages?.close());

  async function record(pageName: string, variant: 'rrweb' | 'fast', cfg: ReplayClientConfig): Promise<Recorded> {
    const { ctx, tab } = await pages.tab(bundles[variant], { viewport: { width: 1000, height: 700 } });
    try {
      await tab.goto(`${pages.origin}/${pageName}`);
      await tab.waitForFunction(
        () => document.querySelector('iframe')?.contentDocument?.body?.textContent || !document.querySelector('iframe'),
      );
      await tab.evaluate((c) => (window as any).startRecording(c), cfg);
      await tab.evaluate(mutate);
      // Mutation records are taken in the next task; two frames is ample.
      await tab.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const events = (await tab.evaluate(() => (window as any).recorded)) as Array<{ type: number; data: any }>;
      const full = events.find((e) => e.type === 2);
      expect(full, 'a full snapshot').toBeTruthy();
      const count = (n: any): number => 1 + (n.childNodes ?? []).reduce((s: number, c: any) => s + count(c), 0);
      return {
        snapshot: full!.data,
        mutations: events.filter((e) => e.type === 3 && e.data.source === 0).map((e) => e.data),
        nodes: count(full!.data.node),
      };
    } finally {
      await ctx.close();
    }
  }

  const configs: Record<string, ReplayClientConfig> = {
    'the default masking': { consent: false, maskAllText: false, mask: [], block: [], exclude: [], maxBytes: 1e7 },
    'all text masked, site selectors': {
      consent: false,
      maskAllText: true,
      mask: ['.item h3', 'nav'],
      block: ['table', '::bad('],
      exclude: [],
      maxBytes: 1e7,
    },
  };

  for (const pageName of ['shop', 'sink', 'quirks'])
    for (const [label, cfg] of Object.entries(configs))
      it(`${pageName} page, ${label}`, async () => {
        const rrweb = await record(pageName, 'rrweb', cfg);
        const fast = await record(pageName, 'fast', cfg);
        expect(rrweb.nodes).toBeGreaterThan(pageName === 'shop' ? 300 : 100);
        expect(rrweb.mutations.length).toBeGreaterThan(0);
        expect(JSON.stringify(fast.snapshot)).toBe(JSON.stringify(rrweb.snapshot));
        expect(JSON.stringify(fast.mutations)).toBe(JSON.stringify(rrweb.mutations));
      });
});
