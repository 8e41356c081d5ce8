import type { CounterStore } from '../counters';

/**
 * Counters whose key names are replaced by a keyed digest (`login:<hmac>`), so the counter store (Redis
 * in scale-out) holds no e-mail address, IP address or key id, nor a plain hash of one that could be
 * reversed by trying every IPv4 address. The category before the first `:` stays readable. Windows are
 * short-lived, so a changed secret only restarts the open ones.
 */
export function keyedCounterStore(inner: CounterStore, digest: (name: string) => string): CounterStore {
  const k = (name: string) => {
    const i = name.indexOf(':');
    return `${i > 0 ? name.slice(0, i) : 'c'}:${digest(name)}`;
  };
  return {
    incr: (name, ...rest) => inner.incr(k(name), ...rest),
    peek: (name) => inner.peek(k(name)),
    reset: (name) => inner.reset(k(name)),
  };
}
