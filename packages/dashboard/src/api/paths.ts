import { api } from './client';
import type { PageNeighbours, Paths } from '@tidemark/core';
import { periodParams } from './stats';
import type { PathsView } from '../lib/paths-view';

const base = (siteId: string) => `/api/sites/${encodeURIComponent(siteId)}/paths`;

/** The Paths page's two reads; anchors travel as query parameters, never in the path. */
export const pathsApi = {
  paths: (siteId: string, s: PathsView, signal?: AbortSignal) =>
    api.get<Paths>(
      base(siteId),
      {
        ...periodParams(s.view),
        [`${s.position}_${s.kind}`]: s.anchor || undefined,
        depth: String(s.depth),
        events: s.events ? 'true' : undefined,
      },
      { signal },
    ),
  neighbours: (siteId: string, s: PathsView, page: string, signal?: AbortSignal) =>
    api.get<PageNeighbours>(`${base(siteId)}/pages`, { ...periodParams(s.view), page, events: s.events ? 'true' : undefined }, { signal }),
};
