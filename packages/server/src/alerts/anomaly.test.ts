import { describe, expect, it } from 'vitest';
import { Prng } from '@tidemark/testkit';
import { checkAnomaly, sameBucketHistory, seasonalBand } from './anomaly';

/**
 * The anomaly band on generated hourly series: weekly and daily seasonality with Poisson noise, eight
 * weeks of history, spikes and drops injected into the last week at known hours. Every hour of that
 * week is judged against the same hour-of-week in the 6 weeks before; precision and recall are printed
 * and must stay high, and a small site's series (with the same relative spikes) must never page.
 */
const HOURS_PER_WEEK = 168;

function expectedRate(hourOfWeek: number, base: number): number {
  const day = Math.floor(hourOfWeek / 24);
  const hour = hourOfWeek % 24;
  const weekend = day >= 5 ? 0.6 : 1;
  const daily = 0.15 + 0.85 * Math.max(0, Math.sin(((hour - 6) / 16) * Math.PI)); // night low, afternoon high
  return base * weekend * daily;
}

interface Generated {
  series: number[];
  injected: Map<number, 'spike' | 'drop'>;
}

function generate(seed: string, base: number, weeks: number, incidents: number): Generated {
  const rng = new Prng(seed);
  const n = weeks * HOURS_PER_WEEK;
  const rates = Array.from({ length: n }, (_, i) => expectedRate(i % HOURS_PER_WEEK, base));
  const injected = new Map<number, 'spike' | 'drop'>();
  const lastWeek = n - HOURS_PER_WEEK;
  while (injected.size < incidents) {
    const i = lastWeek + rng.int(0, HOURS_PER_WEEK - 1);
    if (injected.has(i) || rates[i]! < base * 0.3) continue; // incidents at hours with traffic
    const kind = injected.size % 2 ? 'drop' : 'spike';
    // From subtle (+50 %, −30 %) to gross (×4, −80 %): the subtle end is where misses are expected.
    rates[i] = kind === 'spike' ? rates[i]! * (1.5 + rng.next() * 2.5) : rates[i]! * (0.2 + rng.next() * 0.5);
    injected.set(i, kind);
  }
  return { series: rates.map((r) => rng.poisson(r)), injected };
}

function judge(g: Generated) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let wrongDirection = 0;
  const n = g.series.length;
  for (let i = n - HOURS_PER_WEEK; i < n; i++) {
    const verdict = checkAnomaly(g.series[i]!, sameBucketHistory(g.series, i, HOURS_PER_WEEK, 6));
    const truth = g.injected.get(i);
    if (verdict.anomalous && truth) {
      tp++;
      if (verdict.direction !== truth) wrongDirection++;
    } else if (verdict.anomalous) fp++;
    else if (truth) fn++;
  }
  return { tp, fp, fn, wrongDirection, precision: tp + fp ? tp / (tp + fp) : 1, recall: tp + fn ? tp / (tp + fn) : 1 };
}

describe('seasonal median/MAD band', () => {
  it('ignores one past incident in the history (robust), and never narrows below Poisson noise', () => {
    const band = seasonalBand([100, 104, 96, 101, 99, 900], 4);
    expect(band.median).toBe(100.5);
    expect(band.upper).toBeLessThan(150);
    const flat = seasonalBand([50, 50, 50, 50], 4);
    expect(flat.sigma).toBeCloseTo(Math.sqrt(50), 6);
  });

  it('needs history and volume', () => {
    expect(checkAnomaly(500, [10, 10, 10]).skipped).toBe('not_enough_history');
    expect(checkAnomaly(15, [2, 3, 1, 2, 3]).skipped).toBe('low_volume');
  });

  it('finds injected spikes and drops in generated traffic with high precision and recall', () => {
    const totals = { tp: 0, fp: 0, fn: 0, wrongDirection: 0 };
    for (const seed of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']) {
      const r = judge(generate(`anomaly-${seed}`, seed < 'f' ? 400 : 80, 8, 12));
      totals.tp += r.tp;
      totals.fp += r.fp;
      totals.fn += r.fn;
      totals.wrongDirection += r.wrongDirection;
    }
    const precision = totals.tp / (totals.tp + totals.fp);
    const recall = totals.tp / (totals.tp + totals.fn);
    console.log(
      `anomaly detection, 10 series × 168 hours (peaks of 400 and 80 an hour), 120 injected incidents: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)} (tp ${totals.tp}, fp ${totals.fp}, fn ${totals.fn})`,
    );
    expect(totals.wrongDirection).toBe(0);
    expect(precision).toBeGreaterThanOrEqual(0.95);
    expect(recall).toBeGreaterThanOrEqual(0.75); // k = 4 trades the subtlest incidents for no false pages
  });

  it('does not page for a small site, whatever its relative swings', () => {
    const small = generate('anomaly-small', 4, 8, 12);
    const r = judge(small);
    console.log(`small site (≈4 visitors/hour at peak): ${r.tp + r.fp} alerts for ${small.injected.size} injected swings`);
    expect(r.tp + r.fp).toBe(0);
  });
});
