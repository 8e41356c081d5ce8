import { z } from 'zod';

/**
 * Journey segments (TechStore §10.2) over a goal: members whose sessions in the period were… direct
 * converters (completed it in their first session), researchers (in their 2nd to 5th), later converters
 * (6th or later), browsers (3 or more sessions, never completed it), and the rest (1 or 2 sessions, no
 * completion). The segments partition the members.
 */
export const JOURNEY_SEGMENTS = ['direct_converters', 'researchers', 'later_converters', 'browsers', 'others'] as const;

const int = z.number().int();

export const journeySegmentsSchema = z
  .object({
    period: z.object({ start: z.string(), end: z.string() }),
    goal: z.object({ id: z.string(), name: z.string() }),
    basis: z.enum(['visitors', 'people']),
    basis_note: z.string().nullable(),
    members: int.meta({ description: 'Members with a session starting in the period' }),
    segments: z.array(
      z.object({
        id: z.enum(JOURNEY_SEGMENTS),
        members: int,
        share: z.number().meta({ description: '% of members, one decimal' }),
        avg_sessions: z.number().meta({ description: "Mean of the members' sessions in the period, one decimal" }),
      }),
    ),
  })
  .meta({ id: 'JourneySegments' });
export type JourneySegments = z.infer<typeof journeySegmentsSchema>;
export type JourneySegmentId = (typeof JOURNEY_SEGMENTS)[number];

/** The segment of a member with `sessions` sessions whose first completion was in session `converting` (1-based; 0: none). */
export function journeySegmentOf(sessions: number, converting: number): JourneySegmentId {
  if (converting === 1) return 'direct_converters';
  if (converting >= 2 && converting <= 5) return 'researchers';
  if (converting > 5) return 'later_converters';
  return sessions >= 3 ? 'browsers' : 'others';
}
