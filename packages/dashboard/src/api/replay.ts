import { api } from './client';
import type { ReplayListResponse, ReplayRecording } from '@tidemark/core';

const base = (siteId: string) => `/api/sites/${encodeURIComponent(siteId)}/recordings`;

/** An analytics event of the recorded session, shown beside the player. */
export interface SessionEvent {
  ts: number;
  name: string;
  path: string;
}

export const replayApi = {
  list: (siteId: string, query: Record<string, string | number | boolean | undefined>, signal?: AbortSignal) =>
    api.get<ReplayListResponse>(base(siteId), query, { signal }),
  get: (siteId: string, rid: string, signal?: AbortSignal) =>
    api.get<ReplayRecording>(`${base(siteId)}/${encodeURIComponent(rid)}`, undefined, { signal }),
  events: (siteId: string, rid: string, signal?: AbortSignal) =>
    api.get<Array<{ type: number; timestamp: number; data: Record<string, unknown> }>>(
      `${base(siteId)}/${encodeURIComponent(rid)}/events`,
      undefined,
      {
        signal,
      },
    ),
  sessionEvents: (siteId: string, rid: string, signal?: AbortSignal) =>
    api.get<{ events: SessionEvent[] }>(`${base(siteId)}/${encodeURIComponent(rid)}/session-events`, undefined, { signal }),
};
