import type { CanonicalEvent } from '@tidemark/core';
import { Drop } from './drop';
import { toCanonical } from './lib/pre-event';
import type { NamedStep, PreEvent, RequestContext } from './types';
import { siteEnabledStep } from './steps/site-enabled';
import { limitsStep } from './steps/limits';
import { timestampStep } from './steps/timestamp';
import { eventIdStep } from './steps/event-id';
import { pageStep } from './steps/page';
import { excludedPathStep } from './steps/excluded-path';
import { excludedIpStep } from './steps/excluded-ip';
import { botStep } from './steps/bot';
import { privacyStep } from './steps/privacy';
import { consentStep } from './steps/consent';
import { traitsStep } from './steps/traits';
import { quotaStep } from './steps/quota';
import { userAgentStep } from './steps/user-agent';
import { geoStep } from './steps/geo';
import { utmStep } from './steps/utm';
import { referrerStep } from './steps/referrer';
import { channelStep } from './steps/channel';
import { identityStep } from './steps/identity';
import { sessionStep } from './steps/session';

/**
 * The ingestion pipeline, in order: validate and drop first (cheap checks before costly ones), then
 * enrich, then identify and sessionize. Every contract's events run through these same steps.
 */
export const PIPELINE: readonly NamedStep[] = [
  siteEnabledStep,
  limitsStep,
  timestampStep,
  eventIdStep,
  pageStep,
  excludedPathStep,
  excludedIpStep,
  botStep,
  privacyStep,
  consentStep,
  quotaStep,
  traitsStep,
  userAgentStep,
  geoStep,
  utmStep,
  referrerStep,
  channelStep,
  identityStep,
  sessionStep,
];

export interface DroppedEvent {
  drop: Drop;
  step: string;
  event: PreEvent;
}

export interface PipelineResult {
  events: CanonicalEvent[];
  dropped: DroppedEvent[];
}

/** Runs every event through the steps. Synchronous: no I/O per event. */
export function runPipeline(events: PreEvent[], ctx: RequestContext, steps: readonly NamedStep[] = PIPELINE): PipelineResult {
  const out: CanonicalEvent[] = [];
  const dropped: DroppedEvent[] = [];
  // Session assignment depends on order: take the batch's events oldest first.
  const ordered = inTimeOrder(events) ? events : [...events].sort((a, b) => (a.client_ts ?? 0) - (b.client_ts ?? 0));
  for (const ev of ordered) {
    let cur: PreEvent | Drop = ev;
    let stepName = '';
    for (const step of steps) {
      try {
        cur = step.run(cur, ctx);
      } catch (err) {
        // A step must not fail a whole request over one odd event: quarantine it with the reason.
        cur = new Drop('invalid_event', [
          { path: '', message: `unprocessable in step ${step.name}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300) },
        ]);
      }
      if (cur instanceof Drop) {
        stepName = step.name;
        break;
      }
    }
    if (cur instanceof Drop) dropped.push({ drop: cur, step: stepName, event: ev });
    else out.push(toCanonical(cur));
  }
  return { events: out, dropped };
}

function inTimeOrder(events: PreEvent[]): boolean {
  for (let i = 1; i < events.length; i++) if ((events[i].client_ts ?? 0) < (events[i - 1].client_ts ?? 0)) return false;
  return true;
}
