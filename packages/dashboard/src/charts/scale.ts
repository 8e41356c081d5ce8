/** A "nice" axis maximum and ticks (1, 2, 2.5, 5 × 10^n) so gridlines land on round numbers. */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 0.999; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  if (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

/**
 * Width of one character of the charts' labels (11–12 px system font: axis numbers, currency signs, page
 * names), rounded up: labels are measured and cut with it, not laid out and measured in the page.
 */
export const CHART_CHAR_PX = 7;
