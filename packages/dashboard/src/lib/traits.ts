/**
 * Traits as the dashboard shows them (docs/people.md). The dashboard takes only types from
 * @tidemark/core (its schemas would run in the page), so the masking rule is repeated here; the test
 * holds it to core's `shownTrait`.
 */
const HASHED = 'hmac:';

/** A stored trait value as shown: hashed values (`hmac:<hex>`) masked, the rest as stored. */
export function shownTrait(value: string): string {
  return value.startsWith(HASHED) ? `•••• ${value.slice(HASHED.length, HASHED.length + 6)}` : value;
}

/** A trait key: the pattern of property keys. */
export const TRAIT_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.:\- ]{0,63}$/;
