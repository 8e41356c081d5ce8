// Drives other tools' browser clients (Plausible's npm packages) under jsdom against a running server.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { JSDOM } from 'jsdom';

const nodeFetch = globalThis.fetch;
const GLOBALS = [
  'window',
  'document',
  'location',
  'history',
  'navigator',
  'XMLHttpRequest',
  'ResizeObserver',
  'addEventListener',
  'removeEventListener',
  'innerWidth',
] as const;

export interface JsdomPage {
  dom: JSDOM;
  /**
   * Runs an ES module's code in the page (its free names — fetch, document, location — are the page's),
   * returning its exports: the export statement becomes an assignment, nothing else changes.
   */
  loadModule<T>(specifier: string): T;
  /** Requests the page's scripts made through window.fetch, settled. */
  settled(): Promise<void>;
  close(): void;
}

/**
 * A page at `url` whose window becomes the global one (the clients read `window`, `document`,
 * `location` … as globals). jsdom's own XMLHttpRequest does the network for XHR clients (it sends the
 * page's Origin and its user agent); for fetch clients, window.fetch is Node's fetch with what a browser
 * adds to such a request: the page's Origin, its user agent and an Accept-Language.
 */
export function openJsdomPage(url: string, userAgent: string, referrer = ''): JsdomPage {
  const dom = new JSDOM(
    '<!doctype html><html><head><title>Page</title></head><body><a id="out" href="https://elsewhere.example/x">out</a></body></html>',
    {
      url,
      referrer: referrer || undefined,
      pretendToBeVisual: true,
      resources: { userAgent },
    } as ConstructorParameters<typeof JSDOM>[1],
  );
  const w = dom.window as unknown as Record<string, unknown> & Window;
  const inflight = new Set<Promise<unknown>>();
  w.fetch = ((input: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('user-agent', userAgent);
    headers.set('origin', new URL(url).origin);
    headers.set('accept-language', 'en-US,en;q=0.9');
    const { keepalive: _keepalive, ...rest } = init;
    const p = nodeFetch(input, { ...rest, headers }).then(async (res) => {
      await res.arrayBuffer();
      // What a browser hands the page: the status, readable only when CORS allows this origin.
      const allowed = res.headers.get('access-control-allow-origin');
      if (allowed !== new URL(url).origin && allowed !== '*') throw new TypeError('Failed to fetch (CORS)');
      return new Response(null, { status: res.status });
    });
    inflight.add(p);
    p.catch(() => undefined).finally(() => inflight.delete(p));
    return p;
  }) as typeof fetch;
  class NoResizeObserver {
    observe() {}
    unobserve() {}
    disconnect() {}
  }
  w.ResizeObserver = NoResizeObserver;
  const g = globalThis as Record<string, unknown>;
  const saved = new Map(GLOBALS.map((k) => [k, Object.getOwnPropertyDescriptor(g, k)]));
  for (const k of GLOBALS) {
    const v = w[k];
    const bind = typeof v === 'function' && k !== 'XMLHttpRequest' && k !== 'ResizeObserver';
    Object.defineProperty(g, k, { value: bind ? (v as (...a: unknown[]) => unknown).bind(w) : v, configurable: true, writable: true });
  }
  return {
    dom,
    loadModule<T>(specifier: string): T {
      const code = fs.readFileSync(createRequire(import.meta.url).resolve(specifier), 'utf8');
      const exported = /\nexport\s*\{([^}]*)\}\s*;?\s*$/.exec(code);
      if (!exported) throw new Error(`${specifier}: no trailing export statement`);
      const names = exported[1]!
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean);
      const body = `${code.slice(0, exported.index)}\nwindow.__module = { ${names.join(', ')} };`;
      // The page's fetch by name as well: jsdom's script context otherwise resolves a bare `fetch` to Node's.
      (dom.window as unknown as { eval(code: string): unknown }).eval(`(function(fetch){${body}})(window.fetch)`);
      return (dom.window as unknown as { __module: T }).__module;
    },
    async settled() {
      for (let i = 0; i < 50 && inflight.size; i++) await Promise.allSettled([...inflight]);
    },
    close() {
      for (const [k, d] of saved) {
        if (d) Object.defineProperty(g, k, d);
        else delete g[k];
      }
      dom.window.close();
    },
  };
}

/** Resolves when `fn` gets its callback (the clients call it once their request completed). */
export function withCallback<T>(fn: (done: (v?: T) => void) => void, timeoutMs = 10_000): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('client callback not called')), timeoutMs);
    fn((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}
