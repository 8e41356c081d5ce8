import { PNG } from 'pngjs';

/** The mail's chart: drawn here (no remote image, nothing to fetch when the mail is opened), sent as an inline part. */
export const CHART_WIDTH = 560;
export const CHART_HEIGHT = 140;
export const CHART_CID = 'visitors-chart@tidemark';

const BACKGROUND = [255, 255, 255] as const;
const BAR = [37, 99, 235] as const;
const AXIS = [209, 213, 219] as const;
const PAD = { left: 8, right: 8, top: 10, bottom: 12 };

/** Where each bar sits and how tall it is (px), for the drawing and for the test that reads the image back. */
export function barLayout(values: readonly number[]): Array<{ x0: number; x1: number; height: number }> {
  const plotW = CHART_WIDTH - PAD.left - PAD.right;
  const plotH = CHART_HEIGHT - PAD.top - PAD.bottom;
  const max = Math.max(0, ...values);
  const slot = values.length ? plotW / values.length : plotW;
  const gap = Math.max(1, Math.floor(slot * 0.2));
  return values.map((v, i) => {
    const x0 = PAD.left + Math.round(i * slot);
    const x1 = Math.max(x0 + 1, PAD.left + Math.round((i + 1) * slot) - gap);
    return { x0, x1, height: max > 0 ? Math.round((Math.max(0, v) / max) * plotH) : 0 };
  });
}

/** The baseline's row: bars grow up from the row above it. */
export const CHART_BASELINE = CHART_HEIGHT - PAD.bottom;

/** A bar chart of `values` (oldest first) as PNG bytes, CHART_WIDTH × CHART_HEIGHT. */
export function barChartPng(values: readonly number[]): Buffer {
  const png = new PNG({ width: CHART_WIDTH, height: CHART_HEIGHT });
  const paint = (x: number, y: number, c: readonly [number, number, number]) => {
    const i = (y * CHART_WIDTH + x) * 4;
    png.data[i] = c[0];
    png.data[i + 1] = c[1];
    png.data[i + 2] = c[2];
    png.data[i + 3] = 255;
  };
  for (let y = 0; y < CHART_HEIGHT; y++) for (let x = 0; x < CHART_WIDTH; x++) paint(x, y, BACKGROUND);
  for (let x = PAD.left; x < CHART_WIDTH - PAD.right; x++) paint(x, CHART_BASELINE, AXIS);
  for (const bar of barLayout(values))
    for (let y = CHART_BASELINE - bar.height; y < CHART_BASELINE; y++) for (let x = bar.x0; x < bar.x1; x++) paint(x, y, BAR);
  return PNG.sync.write(png);
}
