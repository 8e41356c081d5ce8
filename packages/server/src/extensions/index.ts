/**
 * Tracker extensions chosen by the server (docs/tracker-extensions.md). The core t.js knows nothing of
 * heatmaps, replay or vitals: each collect answer names, in `x`, the extension scripts (t.<name>.js) this
 * session of this site should load. A capability registers a rule that reads its site settings and samples
 * by session, so flipping a setting needs no change to the snippet and sampling is decided once per session.
 */
import { createHash } from 'node:crypto';
import type { SiteRecord } from '../meta';

export interface TrackerSession {
  visitor_id: string;
  session_id: string;
}

export interface TrackerExtensionRule {
  /** The script is t.<name>.js (a TRACKER_FILES entry of @tidemark/tracker). */
  name: string;
  /** Whether this session of this site loads the script. Must be cheap: it runs on every collect answer. */
  wants(site: SiteRecord, session: TrackerSession): boolean | Promise<boolean>;
}

const NAME = /^[a-z][a-z0-9-]{0,31}$/;

export class TrackerExtensions {
  private readonly rules: TrackerExtensionRule[] = [];

  register(rule: TrackerExtensionRule): void {
    if (!NAME.test(rule.name)) throw new Error(`invalid tracker extension name ${rule.name}`);
    if (this.rules.some((r) => r.name === rule.name)) throw new Error(`tracker extension ${rule.name} registered twice`);
    this.rules.push(rule);
  }

  /** The names for this session, in registration order; none without a session (nothing was accepted). */
  async forSession(site: SiteRecord, session: TrackerSession | undefined): Promise<string[]> {
    if (!session || this.rules.length === 0) return [];
    const wanted = await Promise.all(this.rules.map((r) => r.wants(site, session)));
    return this.rules.filter((_, i) => wanted[i]).map((r) => r.name);
  }
}

/**
 * A stable coin for a session: true for the share `rate` (0–1) of sessions, the same answer on every call
 * for the same key (so a session's sampling never flips between requests or nodes). `salt` keeps two
 * features' samples independent.
 */
export function sampled(salt: string, sessionId: string, rate: number): boolean {
  if (!(rate > 0)) return false;
  if (rate >= 1) return true;
  const h = createHash('sha256').update(salt).update('\0').update(sessionId).digest();
  return h.readUInt32BE(0) / 0x1_0000_0000 < rate;
}
