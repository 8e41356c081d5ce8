import { describe, expect, it } from 'vitest';
import { listQuery, parseRecordingsView, recordingsOfClicks, recordingsOfDropOff, serializeRecordingsView, withoutFunnel } from './view';

describe('recordings view in the URL', () => {
  it('round-trips every field and drops defaults', () => {
    const search = '?period=30d&page=%2Fpricing&country=DE&has_rage_clicks=true&has_dead_clicks=true&offset=25&r=' + 'a'.repeat(32);
    const v = parseRecordingsView(search);
    expect(v).toMatchObject({
      period: '30d',
      page: '/pricing',
      country: 'DE',
      has_rage_clicks: true,
      has_dead_clicks: true,
      has_errors: false,
      offset: 25,
    });
    expect(parseRecordingsView(serializeRecordingsView(v))).toEqual(v);
    expect(new URLSearchParams(serializeRecordingsView(v)).get('page')).toBe('/pricing');
    expect(serializeRecordingsView(parseRecordingsView(''))).toBe('');
  });

  it('ignores an unknown period and a bad offset; the list query leaves out the open recording and empty filters', () => {
    const v = parseRecordingsView('?period=5y&offset=-3&country=fr&r=x');
    expect(v.period).toBe('7d');
    expect(v.offset).toBe(0);
    const q = listQuery(v, 25);
    expect(q).toEqual({
      period: '7d',
      country: 'FR',
      limit: 25,
      offset: 0,
      page: undefined,
      device: undefined,
      browser: undefined,
      visitor_id: undefined,
      min_duration: undefined,
      has_rage_clicks: undefined,
      has_dead_clicks: undefined,
      has_errors: undefined,
      clicked_selector: undefined,
      funnel_id: undefined,
      funnel_step: undefined,
      funnel_start_date: undefined,
      funnel_end_date: undefined,
      funnel_filters: undefined,
    });
    expect('r' in q).toBe(false);
  });

  it("links a heatmap element to the recordings of the sessions that clicked it, in the nearest period that covers the heatmap's", () => {
    const sel = 'a[href="/buy?x=1&y=2"]';
    const url = recordingsOfClicks('site1', '/pricing', sel, 'last_7_days');
    expect(url.startsWith('/sites/site1/recordings?')).toBe(true);
    const v = parseRecordingsView(url.slice(url.indexOf('?')));
    expect(v).toMatchObject({ period: '7d', page: '/pricing', clicked_selector: sel });
    expect(listQuery(v, 10)).toMatchObject({ page: '/pricing', clicked_selector: sel });
    expect(parseRecordingsView(recordingsOfClicks('s', '/', sel, 'custom').split('?')[1]!).period).toBe('90d');
  });

  it("links a funnel's drop-off to its sessions' recordings with the funnel's own days and filters, and can leave it", () => {
    const filters = JSON.stringify([['is', 'country', ['DE']]]);
    const url = recordingsOfDropOff('site1', 'f1', 2, { start: '2026-11-01', end: '2026-11-30' }, filters);
    expect(url.startsWith('/sites/site1/recordings?')).toBe(true);
    const v = parseRecordingsView(url.slice(url.indexOf('?')));
    expect(listQuery(v, 25)).toMatchObject({
      funnel_id: 'f1',
      funnel_step: '2',
      funnel_start_date: '2026-11-01',
      funnel_end_date: '2026-11-30',
      funnel_filters: filters,
    });
    expect(parseRecordingsView(serializeRecordingsView(v))).toEqual(v);
    const all = withoutFunnel(v);
    expect(serializeRecordingsView(all)).toBe('');
    // Without a funnel id, stray funnel fields are not sent.
    expect(listQuery({ ...all, funnel_step: '2' }, 25).funnel_step).toBeUndefined();
  });
});
