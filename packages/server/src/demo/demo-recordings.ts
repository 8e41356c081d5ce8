import type { CanonicalEvent } from '@tidemark/core';
import type { Prng } from '@tidemark/testkit';
import type { RrwebEvent } from '../replay';
import { HEIGHT, kindOf, type SessionTrace } from './demo-behaviour';

/**
 * The demo's recordings: rrweb events of what a recorded session did (demo-behaviour.ts), as t.replay.js
 * would have sent them. Each page load is a Meta event and a full snapshot of a small page of that kind
 * (its header, and the elements the heatmap samples name, at about their places), then the pointer's way to
 * each click, the click, a burst of clicks where the visitor raged, errors as our `error` marker, and the
 * scroll to the depth the page view reached. One chunk per page load.
 */

type Node =
  | { type: 0; childNodes: Node[]; id: number }
  | { type: 1; name: string; publicId: string; systemId: string; id: number }
  | { type: 2; tagName: string; attributes: Record<string, string>; childNodes: Node[]; id: number; isSVG?: boolean }
  | { type: 3; textContent: string; id: number; isStyle?: boolean };

/** rrweb's event types and incremental sources (the subset used here). */
const META = 4;
const FULL = 2;
const INCREMENTAL = 3;
const CUSTOM = 5;
const MOVE = 1;
const INTERACTION = 2;
const SCROLL = 3;
const CLICK = 2;

const CSS = `body{margin:0;font-family:system-ui,sans-serif;color:#1f2937;background:#fff}
header{display:flex;align-items:center;gap:2rem;height:64px;padding:0 6%;border-bottom:1px solid #e5e7eb}
header nav{display:flex;gap:1.5rem;margin-left:auto}header a{color:#1f2937;text-decoration:none}
.logo{font-weight:700}.button{padding:.6rem 1.1rem;border-radius:6px;background:#1d4ed8;color:#fff!important}
.secondary{background:#e5e7eb;color:#1f2937!important}main{padding:2rem 6%}
.hero{text-align:center;padding:6rem 0 2rem}.hero h1{font-size:2.6rem}.hero .button{margin:0 .5rem}
.screenshot{height:280px;margin:3rem auto 0;width:60%;border-radius:8px;background:linear-gradient(135deg,#dbeafe,#ede9fe)}
.cards,.plans{display:flex;gap:1.5rem;margin-top:3rem}.card,.plan{flex:1;padding:1.5rem;border:1px solid #e5e7eb;border-radius:8px}
.plans{margin-top:8rem}.price{display:block;font-size:2rem;margin:1rem 0 8rem}
details{padding:1rem 0;border-bottom:1px solid #e5e7eb}form{display:flex;flex-direction:column;gap:1rem;max-width:360px;margin:6rem auto}
input{padding:.6rem;border:1px solid #d1d5db;border-radius:6px}article{max-width:62%;line-height:1.7}
pre{background:#f3f4f6;padding:1rem;border-radius:6px}.toc{position:absolute;right:6%;top:180px;display:flex;flex-direction:column;gap:.5rem}
.summary{position:absolute;right:8%;top:260px;width:22%;padding:1rem;border:1px solid #e5e7eb;border-radius:8px}`;

/** Builds one page's snapshot; `ids` maps the heatmap selectors to the nodes built for them. */
class PageBuilder {
  private next = 1;
  readonly ids = new Map<string, number>();

  el(tagName: string, attributes: Record<string, string>, children: Array<Node | string> = [], selector?: string): Node {
    const id = this.next++;
    if (selector) this.ids.set(selector, id);
    const childNodes = children.map((c) => (typeof c === 'string' ? { type: 3 as const, textContent: c, id: this.next++ } : c));
    return { type: 2, tagName, attributes, childNodes, id };
  }

  document(title: string, body: Node): Node {
    const doc = this.next++;
    const doctype: Node = { type: 1, name: 'html', publicId: '', systemId: '', id: this.next++ };
    const style = this.el('style', {});
    (style as { childNodes: Node[] }).childNodes.push({ type: 3, textContent: CSS, id: this.next++, isStyle: true });
    const head = this.el('head', {}, [this.el('meta', { charset: 'utf-8' }), this.el('title', {}, [title]), style]);
    return { type: 0, id: doc, childNodes: [doctype, this.el('html', { lang: 'en' }, [head, body])] };
  }
}

function mainOf(b: PageBuilder, kind: string, title: string): Node {
  const m = 'main > ';
  switch (kind) {
    case 'home':
      return b.el('main', {}, [
        b.el('section', { class: 'hero' }, [
          b.el('h1', {}, [title.split(' — ')[1] ?? title]),
          b.el('p', {}, ['Know your visitors without following them.']),
          b.el('a', { class: 'button primary', href: '/signup' }, ['Start your free trial'], `${m}section.hero > a.button.primary`),
          b.el('a', { class: 'button secondary', href: '/features' }, ['See how it works'], `${m}section.hero > a.button.secondary`),
          b.el('div', { class: 'screenshot' }, [], `${m}section.hero > img.screenshot`),
        ]),
        b.el(
          'section',
          { class: 'features cards' },
          ['No cookies', 'Real-time', 'Your data'].map((t) =>
            b.el('div', { class: 'card' }, [b.el('h3', {}, [t])], `${m}section.features > div.card`),
          ),
        ),
      ]);
    case 'pricing':
      return b.el('main', {}, [
        b.el('h1', {}, ['Pricing']),
        b.el(
          'div',
          { class: 'plans' },
          [
            ['starter', 'Starter', '$9'],
            ['growth', 'Growth', '$29'],
            ['business', 'Business', '$99'],
          ].map(([id, name, price]) =>
            b.el('div', { class: 'plan' }, [
              b.el('h3', {}, [name!]),
              b.el('span', { class: 'price' }, [`${price} / month`], `${m}div.plans > span.price`),
              b.el('a', { class: 'button', 'data-plan': id!, href: '/signup' }, [`Choose ${name}`], `${m}div.plans > a[data-plan="${id}"]`),
            ]),
          ),
        ),
        b.el(
          'section',
          { class: 'faq' },
          ['Can I cancel any time?', 'Do you use cookies?', 'Where is my data?'].map((q) =>
            b.el('details', {}, [b.el('summary', {}, [q])], `${m}section.faq > details`),
          ),
        ),
      ]);
    case 'signup':
    case 'checkout': {
      const form = kind === 'signup' ? 'signup' : 'checkout';
      const fields =
        kind === 'signup'
          ? [
              b.el('input', { name: 'email', type: 'email' }, [], `${m}form#signup > input[name="email"]`),
              b.el('input', { name: 'password', type: 'password' }, [], `${m}form#signup > input[name="password"]`),
            ]
          : [b.el('input', { name: 'card', type: 'text' }, [], `${m}form#checkout > input[name="card"]`)];
      const submit =
        kind === 'signup'
          ? b.el('button', { type: 'submit' }, ['Create account'], `${m}form#signup > button`)
          : b.el('button', { type: 'submit', class: 'button pay' }, ['Pay now'], `${m}form#checkout > button.pay`);
      const children = [b.el('h1', {}, [title.split(' — ')[0] ?? title]), b.el('form', { id: form }, [...fields, submit])];
      if (kind === 'checkout') children.push(b.el('aside', { class: 'summary' }, ['Growth plan · $29 / month'], `${m}aside.summary`));
      return b.el('main', {}, children);
    }
    default:
      return b.el('main', {}, [
        b.el('article', {}, [
          b.el('h1', {}, [title.split(' — ')[0] ?? title]),
          ...[1, 2, 3].map((i) => b.el('p', {}, [`Paragraph ${i} of this page, in the demo's words.`])),
          b.el('a', { href: '/docs' }, ['Read the documentation'], `${m}article > a`),
          b.el('pre', {}, ['<script defer src="https://analytics.example/t.js" data-site="…"></script>'], `${m}article > pre`),
        ]),
        b.el('aside', { class: 'toc' }, [b.el('a', { href: '#top' }, ['On this page'], `${m}aside.toc > a`)]),
      ]);
  }
}

function snapshotOf(view: CanonicalEvent): { node: Node; ids: Map<string, number>; body: number } {
  const b = new PageBuilder();
  const header = b.el('header', {}, [
    b.el('a', { class: 'logo', href: '/' }, ['Tidemark Demo'], 'header > a.logo'),
    b.el(
      'nav',
      {},
      ['features', 'pricing', 'docs'].map((n) =>
        b.el('a', { 'data-nav': n, href: `/${n}` }, [n[0]!.toUpperCase() + n.slice(1)], `header > nav > a[data-nav="${n}"]`),
      ),
    ),
    b.el('a', { class: 'button signup', href: '/signup' }, ['Sign up'], 'header > a.button.signup'),
  ]);
  const body = b.el('body', {}, [header, mainOf(b, kindOf(view.path), view.title)]);
  return { node: b.document(view.title, body), ids: b.ids, body: body.id };
}

/** The chunks of one recorded session: one a page load, in order. */
export function recordingOf(trace: SessionTrace, rng: Prng): RrwebEvent[][] {
  return trace.pages.map(({ view, events }) => {
    const width = view.viewport_w ?? 1440;
    const height = view.viewport_h ?? 800;
    const pageHeight = HEIGHT[kindOf(view.path)] ?? 2200;
    const { node, ids, body } = snapshotOf(view);
    const out: RrwebEvent[] = [
      { type: META, timestamp: view.ts, data: { href: view.url, width, height } },
      { type: FULL, timestamp: view.ts + 5, data: { node, initialOffset: { left: 0, top: 0 } } },
    ];
    let at = { x: width / 2, y: height / 2 };
    let top = 0;
    let last = view.ts + 5;
    const scrollTo = (t: number, y: number) => {
      top = Math.round(Math.max(0, Math.min(y, pageHeight - height)));
      out.push({ type: INCREMENTAL, timestamp: t, data: { source: SCROLL, id: 1, x: 0, y: top } });
    };
    for (const e of [...events].sort((a, b) => a.ts - b.ts)) {
      const t = Math.max(e.ts, last + 1);
      last = t;
      if (e.name === 'heatmap_click' || e.name === 'rage_click') {
        const x = e.x ?? at.x;
        const pageY = e.y ?? at.y + top;
        if (pageY < top + 40 || pageY > top + height - 40) scrollTo(t - 700, pageY - height / 2);
        const to = { x, y: pageY - top };
        // The pointer's way from where it was, one position per 100 ms as the recorder keeps them.
        for (let i = 1; i <= 6; i++) {
          const k = i / 6;
          out.push({
            type: INCREMENTAL,
            timestamp: t - 600 + i * 100,
            data: {
              source: MOVE,
              positions: [
                {
                  x: Math.round(at.x + (to.x - at.x) * k + (rng.next() - 0.5) * 12),
                  y: Math.round(at.y + (to.y - at.y) * k + (rng.next() - 0.5) * 12),
                  id: body,
                  timeOffset: 0,
                },
              ],
            },
          });
        }
        at = to;
        const id = ids.get(e.selector) ?? body;
        const clicks = e.name === 'rage_click' ? Number(e.props.count ?? 3) : 1;
        for (let c = 0; c < clicks; c++)
          out.push({ type: INCREMENTAL, timestamp: t + c * 180, data: { source: INTERACTION, type: CLICK, id, x: to.x, y: to.y } });
        last = t + clicks * 180;
      } else if (e.name === 'error_occurred') {
        out.push({ type: CUSTOM, timestamp: t, data: { tag: 'error', payload: {} } });
      } else if (e.name === 'heatmap_scroll' && e.scroll_depth !== null) {
        scrollTo(t, (e.scroll_depth / 100) * pageHeight - height);
      }
    }
    return out.sort((a, b) => a.timestamp - b.timestamp);
  });
}
