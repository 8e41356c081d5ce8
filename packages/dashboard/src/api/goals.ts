import { api } from './client';
import type { Goal, GoalInput, GoalPreview } from '@tidemark/core';

const base = (siteId: string) => `/api/sites/${encodeURIComponent(siteId)}/goals`;

/** Names of the goals seen so far, by id: filter chips show a goal's name instead of its id. */
export const goalNames = new Map<string, string>();

export const goalsApi = {
  list: async (siteId: string, signal?: AbortSignal) => {
    const { goals } = await api.get<{ goals: Goal[] }>(base(siteId), undefined, { signal });
    for (const g of goals) goalNames.set(g.id, g.name);
    return goals;
  },
  create: (siteId: string, input: GoalInput) => api.post<Goal>(base(siteId), input),
  update: (siteId: string, goalId: string, input: GoalInput) => api.patch<Goal>(`${base(siteId)}/${encodeURIComponent(goalId)}`, input),
  remove: (siteId: string, goalId: string) => api.del<unknown>(`${base(siteId)}/${encodeURIComponent(goalId)}`),
  preview: (siteId: string, input: GoalInput) => api.post<GoalPreview>(`${base(siteId)}/preview`, input),
};
