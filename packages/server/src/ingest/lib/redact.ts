import { capText, QUARANTINE_PAYLOAD_PREFIX_BYTES, type Capped } from './prefix';

/**
 * Keeps addresses and credentials out of the raw payload store and the quarantine: keys naming an IP
 * (a server-side client may pass the visitor's on) or an API key (MetricPal's optimized contract
 * carries it in the body, Segment-compatible clients as `writeKey`) are removed before a payload is stored.
 */
const SENSITIVE = new Set([
  'ip',
  'ipaddress',
  'clientip',
  'remoteaddr',
  'remoteip',
  'xforwardedfor',
  'xrealip',
  'apikey',
  'writekey',
  'secret',
  'password',
]);
const QUICK_CHECK =
  /"(?:ip|ip[-_]?address|client[-_]?ip|remote[-_]?(?:addr|ip)|x[-_]forwarded[-_]for|x[-_]real[-_]ip|api[-_]?key|write[-_]?key|secret|password)"\s*:/i;
const MAX_DEPTH = 64;

function isSensitive(key: string): boolean {
  return SENSITIVE.has(key.toLowerCase().replace(/[-_]/g, ''));
}

export function redactValue(v: unknown, depth = 0): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(v)) return v.map((x) => redactValue(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    if (isSensitive(k)) continue;
    // defineProperty: a "__proto__" key stays data, it does not become the prototype.
    Object.defineProperty(out, k, {
      value: redactValue((v as Record<string, unknown>)[k], depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** The body to store: as received when it names nothing sensitive (the common case), else re-encoded without it. */
export function redactRawBody(raw: string, parsed: unknown): string {
  if (!QUICK_CHECK.test(raw)) return raw;
  return JSON.stringify(redactValue(parsed)) ?? '';
}

/** JSON text of an event for the quarantine, redacted and cut to a prefix of at most `maxBytes`. */
export function quarantinePayload(input: unknown, maxBytes = QUARANTINE_PAYLOAD_PREFIX_BYTES): Capped {
  let text: string;
  try {
    text = JSON.stringify(redactValue(input)) ?? 'null';
  } catch {
    text = '"[unserializable]"';
  }
  return capText(text, maxBytes);
}
