/**
 * DOM-free helpers of the browser tracker, kept apart so they can be unit-tested in Node.
 * Everything here ends up in t.js / t.auto.js: write for gzip size.
 */

export type Props = Record<string, unknown>;

/**
 * Effective configuration: the defaults, then the script's data-attributes (dataset keys: data-privacy-mode ->
 * privacyMode), then the options of `tidemark('init', id, options)`, all with the same camelCase names.
 * Attribute values stay strings except "true"/"" (a bare attribute) and "false", which become booleans;
 * numbers are used through JavaScript's coercion ("300" - 1), which keeps the script small.
 */
export interface TrackerConfig {
  /** Tracking id of the site (`data-site`). */
  site: string;
  /** Origin the events are sent to (`data-api`); default: the origin t.js came from. */
  api: string;
  /** Hash e-mail addresses with SHA-256 before they leave the browser (needs t.auto.js). */
  privacyMode?: boolean | string;
  /** No cookies, no localStorage; the server derives the visitor id. */
  cookieless: boolean | string;
  /** Send nothing when Do Not Track or Global Privacy Control is on. */
  respectDnt: boolean | string;
  /** Identify with the e-mail field of submitted forms (needs t.auto.js). */
  autoIdentify?: boolean | string;
  /** Send page_view on load and on SPA navigation. */
  autoTrack: boolean | string;
  /** Outbound clicks, file downloads and form submits (t.auto.js). */
  interactions: boolean | string;
  /** Hash-based routing: the hash is part of the path and hashchange is a navigation. */
  hash?: boolean | string;
  debug?: boolean | string;
  /** The MetricPal automatic events, API additions and HubSpot/Klaviyo capture (t.mp.js). */
  metricpal?: boolean | string;
  /** Hosts whose links carry the visitor id (`tm_vid`), comma- or space-separated (t.mp.js). */
  crossDomain?: boolean | string;
  /** Events per request (1..50). */
  batchSize: number | string;
  /** Milliseconds events may wait before they are sent. */
  intervalStart: number | string;
  /** Minutes hidden after which coming back counts as a new visit (a fresh page_view). */
  sessionTimeout: number | string;
  /** Comma- or space-separated path patterns not tracked; `*` = within one segment, `**` = across segments. */
  exclude?: string;
  [key: string]: unknown;
}

export const DEFAULT_CONFIG = {
  cookieless: true,
  respectDnt: true,
  autoTrack: true,
  interactions: true,
  batchSize: 10,
  intervalStart: 5000,
  sessionTimeout: 30,
};

export function readConfig(...sources: Array<Props | undefined>): TrackerConfig {
  const c: Props = Object.assign({}, DEFAULT_CONFIG, ...sources);
  for (const k in c) c[k] = c[k] != 'false' && (c[k] === '' || c[k] == 'true' || c[k]);
  // A batch size of 0 or garbage would never drain the queue.
  c.batchSize = Math.max(1, Math.min(50, c.batchSize as number) || 10);
  c.api = (c.api as string).replace(/\/+$/, '');
  return c as TrackerConfig;
}

/**
 * Path patterns to anchored regular expressions, as the server reads a site's excluded paths: `*` matches
 * within one path segment, `**` across segments, anything else literally.
 */
export const compilePatterns = (patterns: unknown = ''): RegExp[] =>
  (patterns + '')
    .split(/[\s,]+/)
    .filter((p) => p)
    .map((p) =>
      RegExp(
        '^' +
          p
            .split('**')
            .map((q) =>
              q
                .split('*')
                .map((s) => s.replace(/\W/g, '\\$&'))
                .join('[^/]*'),
            )
            .join('.*') +
          '$',
      ),
    );

/** Lower-case hex of bytes. */
export const hex = (bytes: ArrayBuffer | Uint8Array): string =>
  Array.from(new Uint8Array(bytes), (b) => (b + 256).toString(16).slice(1)).join('');

/**
 * UUID v7: 48-bit ms timestamp, version 7, variant 10 (written as 8), then random hex digits from
 * crypto.getRandomValues (72 random bits, as many as v7 allows less two).
 */
export const uuid7 = (now = Date.now()): string =>
  (now.toString(16).padStart(12, '0') + '7xxx8xxxxxxxxxxxxxxx')
    .replace(/x/g, () => (crypto.getRandomValues(new Uint8Array(1))[0] & 15).toString(16))
    .replace(/(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');

/** How far down the page the viewport's bottom edge is, 0..100. */
export const scrollPercent = (): number =>
  Math.min(100, Math.round(((scrollY + innerHeight) / document.documentElement.scrollHeight) * 100)) || 0;

/** Extensions whose links count as file downloads. */
export const DOWNLOAD_EXT =
  /^(pdf|docx?|xlsx?|pptx?|csv|txt|rtf|od[st]|epub|zip|rar|7z|t?gz|bz2|dmg|exe|msi|apk|iso|mp[34]|wav|ogg|mov|avi|mkv|webm)$/;

/** A value that is an e-mail address (surrounding blanks allowed); privacy mode hashes these. */
export const EMAIL = /^\s*[^\s@]+@[^\s@]+\.[^\s@]+\s*$/;

const sha = async (v: string) => hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(v.trim().toLowerCase())));

/**
 * Privacy mode: replaces every property value that is an e-mail address by the lower-case hex SHA-256 of its
 * trimmed, lower-cased form, and so every URL query parameter whose value is one (`?email=…` in `url` or
 * `referrer`). Where crypto.subtle is missing (insecure context) the value is removed instead.
 */
export const hashEmails = (p: Props): Promise<unknown> =>
  Promise.all(
    Object.keys(p).map(async (k) => {
      const v = p[k] as string;
      try {
        // A URL is never an address itself (its user part would read as one), but its parameters may be.
        if (/^https?:\/\//.test(v)) {
          const u = new URL(v);
          let changed: unknown;
          for (const [q, w] of [...u.searchParams]) if (EMAIL.test(w)) u.searchParams.set(q, await sha(w)), (changed = 1);
          if (changed) p[k] = u.href;
        } else if (EMAIL.test(v)) p[k] = await sha(v);
      } catch {
        delete p[k];
      }
    }),
  );
