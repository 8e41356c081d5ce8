import { describe, expect, it } from 'vitest';
import { allocate, attribute, modelWeights, type Touchpoint } from './attribution';

const DAY = 86_400_000;
const touch = (start: number, channel = 'Email', source = 'newsletter'): Touchpoint => ({
  session_id: `s${start}`,
  start,
  channel,
  source,
  medium: '',
  campaign: '',
  landing_page: '/',
});

describe('allocate (largest remainder)', () => {
  it('sums exactly to the amount for awkward amounts and weights, negative amounts too', () => {
    for (const amount of [1, 2, 99, 100, 101, 9999, 1_000_003, -7, -10_001])
      for (const weights of [
        [1, 1, 1],
        [0.4, 0.2, 0.4],
        [1, 2, 3, 4, 5, 6, 7],
        [1e-9, 1],
      ]) {
        const out = allocate(amount, weights);
        expect(out.reduce((a, b) => a + b, 0)).toBe(amount);
        expect(out.every(Number.isInteger)).toBe(true);
      }
  });
  it('gives the leftover units to the largest remainders, the earlier on a tie', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(10, [0.4, 0.2, 0.4])).toEqual([4, 2, 4]);
    expect(allocate(5, [0.4, 0.2, 0.4])).toEqual([2, 1, 2]);
  });
});

describe('models', () => {
  const paid = 30 * DAY;
  it('position based: 100 with one touch, 50/50 with two, 40/20/40 with more', () => {
    expect(attribute('position_based', 1000, [touch(0)], paid)).toEqual([1000]);
    expect(attribute('position_based', 1001, [touch(0), touch(1)], paid)).toEqual([501, 500]);
    expect(attribute('position_based', 1000, [touch(0), touch(1), touch(2), touch(3)], paid)).toEqual([400, 100, 100, 400]);
  });
  it('last touch skips trailing direct sessions, unless all are direct', () => {
    expect(modelWeights('last_touch', [touch(0), touch(1, 'Direct', ''), touch(2, 'Direct', '')], paid)).toEqual([1, 0, 0]);
    expect(modelWeights('last_touch', [touch(0, 'Direct', ''), touch(1, 'Direct', '')], paid)).toEqual([0, 1]);
  });
  it('time decay halves the weight per half-life before the payment (configurable)', () => {
    const w = modelWeights('time_decay', [touch(paid - 14 * DAY), touch(paid - 7 * DAY), touch(paid)], paid);
    expect(w).toEqual([0.25, 0.5, 1]);
    expect(modelWeights('time_decay', [touch(paid - DAY)], paid, { halfLifeMs: DAY })).toEqual([0.5]);
  });
  it('no touches: no credit (the caller reports the payment unattributed)', () => {
    expect(attribute('linear', 100, [], paid)).toEqual([]);
  });
});
