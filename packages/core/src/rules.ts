/**
 * Values and rules the dashboard runs as well as the server, with no schema library: the dashboard's
 * bundle imports this file alone (`@tidemark/core/rules`), since a module with zod schemas would bring
 * zod's eval probe into a page whose Content-Security-Policy forbids eval.
 */

/**
 * The domain of every organization's generated demo site (server demo/). It never resolves (`.local`), so
 * nothing is fetched from it: the heatmaps draw over a blank page, not over a live page that cannot load.
 */
export const DEMO_DOMAIN = 'demo.tidemark.local';

/** Custom property keys (and trait keys): a strict pattern, so a key can never carry quotes, brackets or SQL. */
export const PROP_KEY_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.:\- ]{0,63}$/;

/** How a hashed trait value is stored: this prefix and the hex HMAC. */
export const HASHED_TRAIT_PREFIX = 'hmac:';

/** A stored trait value as shown: hashed values masked, the rest as stored. */
export function shownTrait(value: string): string {
  return value.startsWith(HASHED_TRAIT_PREFIX) ? `•••• ${value.slice(HASHED_TRAIT_PREFIX.length, HASHED_TRAIT_PREFIX.length + 6)}` : value;
}

/**
 * The stock accent (the light theme's): a brand that keeps it is no brand colour, so the dark theme keeps
 * its own lighter accent.
 */
export const STOCK_PRIMARY_COLOR = '#1d4ed8';

/** The orders of the people list. */
export const PROFILE_SORTS = ['last_seen', 'events', 'revenue', 'score'] as const;

/** The stats engine's lead-score buckets. */
export const SCORE_BUCKETS = ['0-19', '20-39', '40-59', '60-79', '80-100'] as const;
