import type { Experiment, ExperimentAssignResponse } from '@tidemark/core';
import { uuidv7From } from '../ingest';
import type { ServerKeys } from '../secrets';
import { assignmentUnit, servedVariant } from './assign';

const DAY = 86_400_000;
const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * The event id of a session's exposure to an experiment: the same for every page of the session, so the
 * store (which keeps an event id once, on both engines) records one exposure per session and experiment
 * however often the page asks. Keyed (the server secret), so it reveals nothing of the session id; its
 * time is the session's start (browser session ids are UUIDv7), else the UTC day.
 */
export function exposureEventId(keys: ServerKeys, siteId: string, sessionId: string, experimentKey: string, now: number): string {
  const ms = V7.test(sessionId) ? Number.parseInt(sessionId.replace(/-/g, '').slice(0, 12), 16) : Math.floor(now / DAY) * DAY;
  const digest = Buffer.from(keys.hmac('experiment-exposure', `${siteId}\0${sessionId}\0${experimentKey}`), 'base64url');
  return uuidv7From(ms, digest);
}

/** Experiments of a site that a page may be told about (running and stopped), kept briefly per site. */
export class ServedExperiments {
  private readonly cache = new Map<string, { at: number; list: Promise<Experiment[]> }>();

  constructor(
    private readonly load: (siteId: string) => Promise<Experiment[]>,
    private readonly ttlMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(siteId: string): Promise<Experiment[]> {
    const at = this.now();
    const hit = this.cache.get(siteId);
    if (hit && at - hit.at < this.ttlMs) return hit.list;
    if (this.cache.size > 10_000) this.cache.clear();
    const list = this.load(siteId).then((all) => all.filter((e) => e.status !== 'draft'));
    list.catch(() => this.cache.delete(siteId));
    this.cache.set(siteId, { at, list });
    return list;
  }
}

/**
 * The answer to a page (POST /api/experiments/assign): every running or stopped experiment of the site
 * with the person's variant, and for running ones the id the exposure event is to carry.
 */
export function assignments(
  keys: ServerKeys,
  siteId: string,
  experiments: readonly Experiment[],
  who: { visitor_id: string; session_id: string; user_id?: string | null },
  now: number,
): ExperimentAssignResponse {
  const unit = assignmentUnit(who.visitor_id, who.user_id);
  const out: ExperimentAssignResponse['experiments'] = {};
  for (const e of experiments) {
    const served = servedVariant(e, unit);
    if (!served) continue;
    out[e.key] = { variant: served.variant, exposure_id: served.expose ? exposureEventId(keys, siteId, who.session_id, e.key, now) : null };
  }
  return { experiments: out };
}
