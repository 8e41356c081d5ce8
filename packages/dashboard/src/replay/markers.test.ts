import { describe, expect, it } from 'vitest';
import { formatOffset, markersOf } from './markers';

describe('timeline markers', () => {
  it('marks pages, clicks, one rage click per burst and errors, in time order', () => {
    const t = 1_000_000;
    const click = (dt: number, x: number) => ({ type: 3, timestamp: t + dt, data: { source: 2, type: 2, x, y: 10 } });
    const events = [
      { type: 4, timestamp: t, data: { href: 'https://a.example/one' } },
      click(100, 10),
      click(200, 12),
      click(300, 14),
      click(5000, 500),
      { type: 5, timestamp: t + 6000, data: { tag: 'error', payload: {} } },
      { type: 5, timestamp: t + 7000, data: { tag: 'nav', payload: { href: 'https://a.example/two' } } },
    ];
    const m = markersOf(events);
    expect(m.filter((x) => x.kind === 'click')).toHaveLength(4);
    expect(m.filter((x) => x.kind === 'rage')).toMatchObject([{ kind: 'rage', at: 100, label: 'rage click (3)' }]);
    expect(m.map((x) => x.id)).toEqual(m.map((_, i) => i));
    expect(m.filter((x) => x.kind === 'page').map((x) => [x.at, x.label])).toEqual([
      [0, '/one'],
      [7000, '/two'],
    ]);
    expect(m.find((x) => x.kind === 'error')?.at).toBe(6000);
    expect(m.map((x) => x.at)).toEqual([...m.map((x) => x.at)].sort((a, b) => a - b));
  });

  it('formats offsets as m:ss', () => {
    expect(formatOffset(0)).toBe('0:00');
    expect(formatOffset(61_900)).toBe('1:01');
  });
});
