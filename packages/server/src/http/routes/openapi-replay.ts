import { z } from 'zod';
import { replayListResponseSchema, replayRecordingSchema } from '@tidemark/core';
import { DROP_OFF_SESSIONS, replayListQuerySchema } from '../../replay';
import type { Json, OpenApiSection } from './openapi-document';

/** Session replay (routes/replay.ts): recordings of a site, one recording's metadata, its events, its session's events. */
export const replayOpenApi: OpenApiSection = (t) => {
  const recording = t.schema('Recording', replayRecordingSchema, 'output');
  const list = t.schema('RecordingList', replayListResponseSchema, 'output');
  const sessionEvents = t.schema(
    'RecordingSessionEvents',
    z.object({ events: z.array(z.object({ ts: z.number(), name: z.string(), path: z.string() })) }),
    'output',
  );
  const rid = { name: 'rid', in: 'path', required: true, description: 'Recording id (32 hex characters)', schema: { type: 'string' } };
  const op = (tag: string, operationId: string, summary: string, extra: Json): Json => ({ operationId, tags: [tag], summary, ...extra });
  const listOp = (tag: string, id: string) =>
    op(tag, id, "The site's recordings, newest first", {
      description:
        "period is the recordings' start (custom: start_date and end_date, UTC days). Filters: a page visited (exact path), country " +
        '(ISO code), device, browser, visitor_id, min_duration / max_duration (seconds), has_rage_clicks, has_dead_clicks, has_errors ' +
        "(from the recorder and the session's Behaviour events; dead clicks from Behaviour events alone), clicked_selector (sessions " +
        'that clicked that element, on `page` when given; from Behaviour events), funnel_id with funnel_step (the sessions that reached ' +
        'that step of the funnel and not the next, over funnel_start_date … funnel_end_date with funnel_filters as for its stats; the ' +
        `latest ${DROP_OFF_SESSIONS} such sessions; the recordings' own period does not apply then). Paged by limit and offset.`,
      parameters: [t.siteParam, ...t.parameters(replayListQuerySchema)],
      responses: { 200: t.json(list), ...t.errors(400, 401, 403, 404, 429) },
    });
  const oneOp = (tag: string, id: string) =>
    op(tag, id, 'One recording: times, pages, device, browser, country, clicks, rage clicks, dead clicks, errors', {
      parameters: [t.siteParam, rid],
      responses: { 200: t.json(recording), ...t.errors(401, 403, 404, 429) },
    });
  const eventsOp = (tag: string, id: string) =>
    op(tag, id, "The recording's rrweb events in order, as one JSON array (streamed)", {
      description: "What rrweb's Replayer plays. Masked inputs and text were masked in the visitor's browser and were never stored.",
      parameters: [t.siteParam, rid],
      responses: {
        200: { description: 'rrweb events', content: { 'application/json': { schema: { type: 'array', items: { type: 'object' } } } } },
        ...t.errors(401, 403, 404, 429),
      },
    });
  const sessionOp = (tag: string, id: string) =>
    op(tag, id, "The analytics events of the recording's session", {
      parameters: [t.siteParam, rid],
      responses: { 200: t.json(sessionEvents), ...t.errors(401, 403, 404, 429) },
    });
  const paths: Record<string, Json> = {};
  for (const [prefix, tag, p] of [
    ['/api', 'Session replay', ''],
    ['/v1', 'Public API', 'site'],
  ] as const) {
    const id = (name: string) => (p ? `${p}${name[0]!.toUpperCase()}${name.slice(1)}` : name);
    paths[`${prefix}/sites/{id}/recordings`] = { get: listOp(tag, id('listRecordings')) };
    paths[`${prefix}/sites/{id}/recordings/{rid}`] = { get: oneOp(tag, id('getRecording')) };
    paths[`${prefix}/sites/{id}/recordings/{rid}/events`] = { get: eventsOp(tag, id('recordingEvents')) };
    paths[`${prefix}/sites/{id}/recordings/{rid}/session-events`] = { get: sessionOp(tag, id('recordingSessionEvents')) };
  }
  return paths;
};
