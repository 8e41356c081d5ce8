/**
 * Attribution models (PRD §4.2.3) over a payment's touchpoints: the payer's sessions that started in the
 * lookback window before it, oldest first. Credit is allocated in integer minor units with the largest
 * remainder method, so the credits of a payment always sum to its amount exactly.
 */

export const ATTRIBUTION_MODELS = ['first_touch', 'last_touch', 'linear', 'time_decay', 'position_based'] as const;
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];

export interface Touchpoint {
  session_id: string;
  /** Session start (ms). */
  start: number;
  channel: string;
  source: string;
  medium: string;
  campaign: string;
  landing_page: string;
}

export interface ModelOptions {
  /** time_decay: a touch this long before the payment weighs half as much (ms). Default 7 days. */
  halfLifeMs?: number;
}

/** The value a payment without a touchpoint counts under (every attribution dimension). */
export const UNATTRIBUTED = '(unattributed)';

export const DEFAULT_HALF_LIFE_MS = 7 * 86_400_000;

const isDirect = (t: Touchpoint) => t.channel === 'Direct' || (!t.channel && !t.source && !t.medium && !t.campaign);

/** Relative weights of each touchpoint (not normalised); `touches` oldest first, at least one. */
export function modelWeights(model: AttributionModel, touches: readonly Touchpoint[], paidAt: number, opts: ModelOptions = {}): number[] {
  const n = touches.length;
  const w = new Array<number>(n).fill(0);
  switch (model) {
    case 'first_touch':
      w[0] = 1;
      break;
    case 'last_touch': {
      // The last non-direct session when there is one: a direct return visit does not take the credit.
      let i = n - 1;
      while (i > 0 && isDirect(touches[i]!)) i--;
      w[isDirect(touches[i]!) ? n - 1 : i] = 1;
      break;
    }
    case 'linear':
      w.fill(1);
      break;
    case 'time_decay': {
      const half = opts.halfLifeMs ?? DEFAULT_HALF_LIFE_MS;
      for (let i = 0; i < n; i++) w[i] = 2 ** (-Math.max(0, paidAt - touches[i]!.start) / half);
      break;
    }
    case 'position_based':
      if (n === 1) w[0] = 1;
      else if (n === 2) w[0] = w[1] = 0.5;
      else {
        w[0] = 0.4;
        w[n - 1] = 0.4;
        for (let i = 1; i < n - 1; i++) w[i] = 0.2 / (n - 2);
      }
      break;
  }
  return w;
}

/**
 * Splits `amount` (integer minor units, may be negative) in proportion to `weights`: each share rounded
 * down, then the units left over go one each to the largest remainders (the earlier touch on a tie).
 */
export function allocate(amount: number, weights: readonly number[]): number[] {
  const sign = amount < 0 ? -1 : 1;
  const total = Math.abs(amount);
  const sum = weights.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) throw new Error('allocate: weights must have a positive sum');
  const exact = weights.map((w) => (total * w) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) {
    const j = order[k]![1];
    out[j] = (out[j] ?? 0) + 1;
  }
  return out.map((x) => x * sign);
}

/** The credit of each touchpoint for one payment. */
export function attribute(
  model: AttributionModel,
  amount: number,
  touches: readonly Touchpoint[],
  paidAt: number,
  opts?: ModelOptions,
): number[] {
  if (!touches.length) return [];
  return allocate(amount, modelWeights(model, touches, paidAt, opts));
}
