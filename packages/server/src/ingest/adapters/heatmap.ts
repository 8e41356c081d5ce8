import { heatmapSampleSchema, type HeatmapBody, type HeatmapSample } from '@tidemark/core';
import { newPreEvent } from '../lib/pre-event';
import { CONSENT_PROP } from '../steps/consent';
import { parseTimestamp, readContractEvent, type AdaptedEvents } from './shared';

const NAMES = { click: 'heatmap_click', move: 'heatmap_move', scroll: 'heatmap_scroll' } as const;

const absent = (v: unknown) => v === undefined || v === null;
const inRange = (v: unknown, max: number) => absent(v) || (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= max);

/**
 * A sample as t.heatmap.js sends it, checked by hand: the same bounds as heatmapSampleSchema, which costs
 * ~2 µs a sample, most of the adapter's time at heatmap rates. Anything else (an error to report, an
 * event id to check as a UUID) goes through the schema; extra keys are ignored either way.
 */
export function plainSample(input: unknown): { data: HeatmapSample; ts: number | null } | null {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return null;
  const s = input as Record<string, unknown>;
  if (s.type !== 'click' && s.type !== 'move' && s.type !== 'scroll') return null;
  if (!inRange(s.x, 1_000_000) || !inRange(s.y, 10_000_000) || !inRange(s.depth, 100) || !inRange(s.scroll_depth, 100)) return null;
  if (!absent(s.element) && !(typeof s.element === 'string' && s.element.length <= 300)) return null;
  if (!absent(s.event_id)) return null;
  const t = s.timestamp;
  if (!absent(t) && !(typeof t === 'number' && Number.isFinite(t) && t >= 0) && !(typeof t === 'string' && t.length >= 1 && t.length <= 64))
    return null;
  const ts = parseTimestamp(t as HeatmapSample['timestamp']);
  if (ts !== null && Number.isNaN(ts)) return null;
  return { data: s as HeatmapSample, ts };
}

/**
 * Heatmap samples (InsightHub PRD §7.1.2) become ordinary events: `heatmap_click` / `heatmap_move`
 * with x, y (page coordinates) and the element's selector, `heatmap_scroll` with scroll_depth; all
 * of the page in `page_url`, with the viewport, page height and page width of the batch (the grid, behaviour/,
 * turns x into a share of the page width).
 */
export function adaptHeatmap(body: HeatmapBody, siteId: string, receivedAt: number): AdaptedEvents {
  const out: AdaptedEvents = { events: [], rejected: [] };
  const visitorId = body.visitor?.id?.trim() ?? '';
  body.events.forEach((input, i) => {
    const read = plainSample(input) ?? readContractEvent(heatmapSampleSchema, input, `events.${i}`, out.rejected);
    if (!read) return;
    const { data: s, ts: clientTs } = read;
    const ev = newPreEvent(siteId, receivedAt, NAMES[s.type], input);
    ev.client_ts = clientTs;
    ev.event_id = s.event_id ?? '';
    ev.client_visitor_id = visitorId;
    ev.url = body.page_url;
    ev.viewport_w = body.viewport?.width ?? null;
    ev.viewport_h = body.viewport?.height ?? null;
    if (s.type === 'scroll') {
      const depth = s.depth ?? s.scroll_depth;
      ev.scroll_depth = depth === null || depth === undefined ? null : Math.round(depth);
    } else {
      ev.x = s.x === null || s.x === undefined ? null : Math.round(s.x);
      ev.y = s.y === null || s.y === undefined ? null : Math.round(s.y);
      ev.selector = s.element ?? '';
    }
    const props: Record<string, string> = {};
    if (body.page_height !== null && body.page_height !== undefined) props.page_height = String(body.page_height);
    if (body.page_width !== null && body.page_width !== undefined) props.page_width = String(body.page_width);
    if (body.consent != null) props[CONSENT_PROP] = body.consent;
    if (Object.keys(props).length) ev.props = props;
    out.events.push(ev);
  });
  return out;
}
