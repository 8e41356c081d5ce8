import { EVENT_COLUMNS, type CanonicalEvent } from '@tidemark/core';

/** Column-major form of a batch: one array per canonical column, props as JSON text. */
export type EventColumns = { [K in keyof CanonicalEvent]: K extends 'props' ? string[] : Array<CanonicalEvent[K]> };

/** Transposes events into columns (in EVENT_COLUMNS order) for appenders and COPY-style loaders. */
export function toColumns(events: readonly CanonicalEvent[]): EventColumns {
  const cols = {} as Record<string, unknown[]>;
  for (const c of EVENT_COLUMNS) cols[c.name] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    for (const c of EVENT_COLUMNS) cols[c.name][i] = c.name === 'props' ? JSON.stringify(e.props) : e[c.name];
  }
  return cols as unknown as EventColumns;
}
