import type { Annotation } from '@tidemark/core';
import type { ChartMarker } from '../charts/LineChart';

/** The local day (YYYY-MM-DD) of an instant in a time zone. */
export function localDay(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(
    new Date(iso),
  );
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Markers for a chart with one point per local day (charts whose API does not carry annotations). */
export function dailyMarkers(days: readonly string[], annotations: readonly Annotation[], timeZone: string): ChartMarker[] {
  const index = new Map(days.map((d, i) => [d, i]));
  return annotations.flatMap((a) => {
    const i = index.get(localDay(a.date, timeZone));
    return i === undefined ? [] : [{ key: a.id, index: i, title: a.title, detail: a.description, category: a.category }];
  });
}
