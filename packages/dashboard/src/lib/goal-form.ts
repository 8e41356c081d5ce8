import type { Goal, GoalInput, GoalType } from '@tidemark/core';

/** The goal editor's fields as typed (strings), and the body they make. */
export interface GoalDraft {
  name: string;
  type: GoalType;
  pathMode: 'path' | 'path_regex';
  path: string;
  eventName: string;
  /** `key=value` per line. */
  properties: string;
  minDurationS: string;
  minPages: string;
  value: string;
}

export const EMPTY_DRAFT: GoalDraft = {
  name: '',
  type: 'destination',
  pathMode: 'path',
  path: '',
  eventName: '',
  properties: '',
  minDurationS: '60',
  minPages: '3',
  value: '',
};

export const GOAL_TYPE_LABELS: Record<GoalType, string> = {
  destination: 'Page visit',
  event: 'Event',
  duration: 'Visit duration',
  pages_per_session: 'Pages per visit',
};

/** Whether the draft names what it matches (a path, an event name): before that, there is nothing to preview. */
export function previewable(d: GoalDraft): boolean {
  if (d.type === 'destination') return d.path.trim() !== '';
  if (d.type === 'event') return d.eventName.trim() !== '';
  return true;
}

export function draftOf(g: Goal): GoalDraft {
  const d: GoalDraft = { ...EMPTY_DRAFT, name: g.name, type: g.type, value: g.value === null ? '' : String(g.value) };
  if (g.type === 'destination') {
    d.pathMode = g.match.path_regex !== undefined ? 'path_regex' : 'path';
    d.path = g.match.path_regex ?? g.match.path ?? '';
  } else if (g.type === 'event') {
    d.eventName = g.match.event_name;
    d.properties = Object.entries(g.match.event_properties ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join('\n');
  } else if (g.type === 'duration') d.minDurationS = String(g.match.min_duration_s);
  else d.minPages = String(g.match.min_pages);
  return d;
}

/** The request body; the server validates it (bad numbers or patterns come back as 400s to show). */
export function inputOf(d: GoalDraft): GoalInput {
  const value = d.value.trim() === '' ? null : Number(d.value);
  const name = d.name;
  switch (d.type) {
    case 'destination':
      return { name, type: 'destination', match: d.pathMode === 'path' ? { path: d.path.trim() } : { path_regex: d.path }, value };
    case 'event': {
      const props: Record<string, string> = {};
      for (const line of d.properties.split('\n')) {
        const i = line.indexOf('=');
        if (i > 0) props[line.slice(0, i).trim()] = line.slice(i + 1).trim();
      }
      const match = Object.keys(props).length
        ? { event_name: d.eventName.trim(), event_properties: props }
        : { event_name: d.eventName.trim() };
      return { name, type: 'event', match, value };
    }
    case 'duration':
      return { name, type: 'duration', match: { min_duration_s: Number(d.minDurationS) }, value };
    case 'pages_per_session':
      return { name, type: 'pages_per_session', match: { min_pages: Number(d.minPages) }, value };
  }
}

/** One line describing a goal in the list. */
export function describeGoal(g: Goal): string {
  switch (g.type) {
    case 'destination':
      return g.match.path_regex !== undefined ? `Visited a page matching ${g.match.path_regex}` : `Visited ${g.match.path}`;
    case 'event': {
      const props = Object.entries(g.match.event_properties ?? {}).map(([k, v]) => `${k}=${v}`);
      return `Sent event ${g.match.event_name}${props.length ? ` with ${props.join(', ')}` : ''}`;
    }
    case 'duration':
      return `Visit lasted at least ${g.match.min_duration_s} s`;
    case 'pages_per_session':
      return `Viewed at least ${g.match.min_pages} pages`;
  }
}
