/**
 * A faster path through rrweb's serializer for the nodes most pages are made of: plain HTML elements (no
 * shadow root, not blocked, no special handling in rrweb) and the text inside them. It gives exactly the
 * nodes, ids and mirror entries rrweb's `serializeNodeWithId` gives (test/replay-snapshot.test.ts compares
 * both in Chromium), without rrweb's per-node option objects, untainted-accessor lookups and prototype
 * checks, which are most of a full snapshot's cost on a page of plain markup (bench/README.md "Session
 * replay"). Every other node (document, doctype, head, scripts, styles, links, form fields, media,
 * iframes, SVG, custom elements, shadow DOM, comments, blocked elements) goes to rrweb as before.
 *
 * The build puts a call to `fastSerialize` at the top of rrweb's `serializeNodeWithId`
 * (node/rrweb-patch.ts), handing it rrweb's own helpers for ids and URL rewriting; its block and mask
 * checks are rrweb's, written here without rrweb's accessor indirection.
 */

/** rrweb's internals the fast path uses (from @rrweb/record 2.1.6's bundled rrweb-snapshot). */
export interface RrwebInternals {
  /** serializeNodeWithId: for the nodes this path does not take. */
  sn: (n: Node, options: SerializeOptions) => Serialized | null;
  /** transformAttribute(doc, tagName, name, value): absolute URLs and the like. */
  attr: (doc: Document, tag: string, name: string, value: string) => string;
  /** genId(): the next node id. */
  id: () => number;
  /** getRootId(doc, mirror) */
  root: (doc: Document, mirror: Mirror) => number | undefined;
  /** IGNORED_NODE */
  ignored: number;
}

interface Mirror {
  hasNode(n: Node): boolean;
  getId(n: Node): number;
  add(n: Node, meta: Serialized): void;
}

type Serialized = Record<string, unknown> & { id: number };

/** The options rrweb passes to `serializeNodeWithId` (only the ones read here are typed). */
export interface SerializeOptions {
  doc: Document;
  mirror: Mirror;
  blockClass: unknown;
  blockSelector?: string | null;
  maskTextClass: unknown;
  maskTextSelector?: string | null;
  skipChild?: boolean;
  needsMask?: boolean;
  preserveWhiteSpace?: boolean;
  newlyAddedElement?: boolean;
  inlineImages?: boolean;
  maskTextFn?: (text: string, el: HTMLElement | null) => string;
  [key: string]: unknown;
}

/** Attribute names rrweb's `transformAttribute` may rewrite (URLs, srcset, inline style); it returns others as they are. */
const REWRITTEN = new Set(['src', 'href', 'xlink:href', 'background', 'srcset', 'style', 'data']);

const HTML_NS = 'http://www.w3.org/1999/xhtml';

/**
 * Elements rrweb serializes with no special case: only their attributes (through its URL rewriting), their
 * scroll offsets and their children. A standard name cannot be a custom element's (those need a hyphen).
 */
const PLAIN = new Set(
  (
    'html body div span p a ul ol li h1 h2 h3 h4 h5 h6 section article header footer nav main aside strong em b i u s ' +
    'small sub sup br hr label button form fieldset legend table thead tbody tfoot tr td th caption colgroup col ' +
    'figure figcaption blockquote pre code dl dt dd address time mark abbr cite q kbd samp var del ins details ' +
    'summary picture img center font big wbr bdi bdo dfn data ruby rt rp menu search hgroup output meter progress'
  ).split(' '),
);

/** One walk's fixed inputs: the caller's options and what is the same for every node of the walk. */
interface Walk {
  o: SerializeOptions;
  rr: RrwebInternals;
  rootId: number | undefined;
  maskClass: string;
  blockClass: string;
  /** The walk's elements with the block class or matching the block selector (see `matching`). */
  blocks?: Set<Element>;
  /** The walk's elements with the mask class or matching the mask selector. */
  masks?: Set<Element>;
}

/**
 * The walk's elements (the top one and its descendants) with the block or mask class or matching the block
 * or mask selector, found by the browser's selector engine in one pass each instead of asking every element
 * in turn (`classList.contains` and `matches`, a call into the DOM each). The walk follows light-DOM children
 * as `querySelectorAll` does. Not in quirks mode, where class selectors ignore case and `classList.contains`
 * does not, nor for a class that is not a plain CSS identifier: there each element is asked.
 */
const IDENTIFIER = /^-?[A-Za-z_][\w-]*$/;

function matching(w: Walk, el: HTMLElement): void {
  if (w.o.doc.compatMode !== 'CSS1Compat' || !IDENTIFIER.test(w.blockClass) || !IDENTIFIER.test(w.maskClass)) return;
  const find = (cls: string, selector?: string | null) => {
    const query = selector ? `.${cls},${selector}` : `.${cls}`;
    const set = new Set<Element>(el.querySelectorAll(query));
    if (el.matches(query)) set.add(el);
    return set;
  };
  try {
    w.blocks = find(w.blockClass, w.o.blockSelector);
    w.masks = find(w.maskClass, w.o.maskTextSelector);
  } catch {
    w.blocks = w.masks = undefined;
  }
}

/** The element if this path takes it, else null. */
function plainElement(n: Node): HTMLElement | null {
  if (n.nodeType !== 1) return null;
  const el = n as HTMLElement;
  return el.namespaceURI === HTML_NS && PLAIN.has(el.localName) && !el.shadowRoot ? el : null;
}

/**
 * rrweb's `serializeNodeWithId` for a plain element and its subtree; `undefined` when this path does not take
 * the node (rrweb then serializes it as usual).
 */
export function fastSerialize(n: Node, o: SerializeOptions, rr: RrwebInternals): Serialized | null | undefined {
  const el = plainElement(n);
  if (!el || typeof o.blockClass !== 'string' || typeof o.maskTextClass !== 'string') return undefined;
  if (o.inlineImages && el.localName === 'img') return undefined;
  // rrweb marks a child of a shadow root as such: left to it.
  if (el.parentNode?.nodeType === 11) return undefined;
  const walk: Walk = { o, rr, rootId: rr.root(o.doc, o.mirror), maskClass: o.maskTextClass, blockClass: o.blockClass };
  if (blocked(walk, el)) return undefined;
  matching(walk, el);
  return element(walk, el, o.needsMask, o.preserveWhiteSpace ?? true, !!o.newlyAddedElement, !!o.skipChild);
}

/** The id rrweb would give: the mirror's when known, ignored for whitespace-only text in the head, else the next. */
function idFor(w: Walk, n: Node, ignore: boolean): number {
  const m = w.o.mirror;
  return m.hasNode(n) ? m.getId(n) : ignore ? w.rr.ignored : w.rr.id();
}

function element(
  w: Walk,
  el: HTMLElement,
  inherited: boolean | undefined,
  preserveWhiteSpace: boolean,
  newlyAdded: boolean,
  skipChild: boolean,
): Serialized | null {
  const { o, rr } = w;
  const needsMask = inherited || masked(w, el, inherited === undefined);
  const tagName = el.localName;
  const attributes: Record<string, unknown> = {};
  if (el.hasAttributes()) {
    const list = el.attributes;
    for (let i = 0; i < list.length; i++) {
      const a = list[i]!;
      const name = a.name.toLowerCase();
      attributes[a.name] = REWRITTEN.has(name) ? rr.attr(o.doc, tagName, name, a.value) : a.value;
    }
  }
  if (!newlyAdded) {
    if (el.scrollLeft) attributes.rr_scrollLeft = el.scrollLeft;
    if (el.scrollTop) attributes.rr_scrollTop = el.scrollTop;
  }
  const childNodes: Serialized[] = [];
  // The same keys in the same order as rrweb's element node (undefined ones are dropped by JSON).
  const sn = {
    type: 2,
    tagName,
    attributes,
    childNodes,
    isSVG: undefined,
    rootId: w.rootId,
    isCustom: undefined,
    id: idFor(w, el, false),
  };
  o.mirror.add(el, sn);
  // rrweb's recorder passes `onSerialize` to track iframes, stylesheet links and shadow hosts: a plain
  // element (and text) is none of them, so it is not called here.
  if (skipChild) return sn;
  let bypass: SerializeOptions | undefined;
  for (let c = el.firstChild; c; c = c.nextSibling) {
    let child: Serialized | null;
    const plain = plainElement(c);
    if (plain && !(o.inlineImages && plain.localName === 'img') && !blocked(w, plain)) {
      child = element(w, plain, needsMask, preserveWhiteSpace, false, false);
    } else if (c.nodeType === 3) {
      child = text(w, c as Text, el, needsMask, preserveWhiteSpace);
    } else {
      // rrweb's options for a child (its `bypassOptions`): made once per element, only when needed.
      bypass ||= { ...o, needsMask, preserveWhiteSpace, cssCaptured: false, newlyAddedElement: false, skipChild: false };
      child = rr.sn(c, bypass);
    }
    if (child) childNodes.push(child);
  }
  return sn;
}

/** A text node under a plain element (never a style's or a script's): masked as its parent says. */
function text(w: Walk, n: Text, parent: HTMLElement, needsMask: boolean, preserveWhiteSpace: boolean): Serialized | null {
  let textContent = n.data;
  if (textContent && needsMask) {
    textContent = w.o.maskTextFn ? w.o.maskTextFn(textContent, parent) : textContent.replace(/[\S]/g, '*');
  }
  const ignore = !preserveWhiteSpace && !textContent.replace(/^\s+|\s+$/gm, '').length;
  const sn = { type: 3, textContent: textContent || '', rootId: w.rootId, id: idFor(w, n, ignore) };
  w.o.mirror.add(n, sn);
  return sn.id === w.rr.ignored ? null : sn;
}

/** rrweb's `_isBlockedElement` for a string block class: the class, or the block selector. */
function blocked(w: Walk, el: HTMLElement): boolean {
  if (w.blocks) return w.blocks.has(el);
  try {
    if (el.classList.contains(w.blockClass)) return true;
    if (w.o.blockSelector) return el.matches(w.o.blockSelector);
  } catch {}
  return false;
}

/**
 * rrweb's `needMaskingText` for an element and a string mask class: never for an empty element; else its
 * class or the mask selector, on the element itself or (at the top of a subtree) on any ancestor.
 */
function masked(w: Walk, el: HTMLElement, ancestors: boolean): boolean {
  if (!el.firstChild) return false;
  if (!ancestors && w.masks) return w.masks.has(el);
  const selector = w.o.maskTextSelector;
  try {
    if (ancestors ? el.closest(`.${w.maskClass}`) : el.classList.contains(w.maskClass)) return true;
    if (selector) return ancestors ? !!el.closest(selector) : el.matches(selector);
  } catch {}
  return false;
}
