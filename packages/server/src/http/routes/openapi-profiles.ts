import { profileListSchema, profileSchema, profileTimelineSchema } from '@tidemark/core';
import { profileListParamsSchema, profileTimelineParamsSchema } from '../../stats';
import type { OpenApiSection } from './openapi-document';

const pidParam = {
  name: 'pid',
  in: 'path',
  required: true,
  description: 'Profile id: u<user id> or v<visitor id> (URL-encoded)',
  schema: { type: 'string' },
};

/** Profiles: the people of a site's events (docs/people.md), dashboard and public API. */
export const profilesOpenApi: OpenApiSection = (t) => {
  const list = t.json(t.schema('ProfileList', profileListSchema, 'output'));
  const one = t.json(t.schema('Profile', profileSchema, 'output'));
  const timeline = t.json(t.schema('ProfileTimeline', profileTimelineSchema, 'output'));
  const PERSON =
    'A profile is a person of the person rule: an identified user together with every visitor id that identified as them on this site ' +
    "(their anonymous events too), or an anonymous visitor id. Read from the site's events; nothing else is stored.";
  const ops = (tag: string, prefix: string) => ({
    list: {
      get: {
        operationId: `${prefix}Profiles`,
        tags: [tag],
        summary: 'Profiles, searched by user id, visitor id or trait value, newest or busiest first',
        description: PERSON,
        parameters: [t.siteParam, ...t.parameters(profileListParamsSchema)],
        responses: { 200: list, ...t.errors(400, 401, 403, 404, 429) },
      },
    },
    one: {
      get: {
        operationId: `${prefix}Profile`,
        tags: [tag],
        summary: 'One profile: traits (latest value, when it changed), aggregates, devices, locations, sources, merged visitor ids',
        description: PERSON,
        parameters: [t.siteParam, pidParam],
        responses: { 200: one, ...t.errors(400, 401, 403, 404, 429) },
      },
    },
    timeline: {
      get: {
        operationId: `${prefix}ProfileTimeline`,
        tags: [tag],
        summary: 'The sessions of a profile, newest first, each with its events in time order',
        description: PERSON,
        parameters: [t.siteParam, pidParam, ...t.parameters(profileTimelineParamsSchema)],
        responses: { 200: timeline, ...t.errors(400, 401, 403, 404, 429) },
      },
    },
  });
  const api = ops('Dashboard', 'site');
  const pub = ops('Public API', 'publicSite');
  return {
    '/api/sites/{id}/profiles': api.list,
    '/api/sites/{id}/profiles/{pid}': api.one,
    '/api/sites/{id}/profiles/{pid}/timeline': api.timeline,
    '/v1/sites/{id}/profiles': pub.list,
    '/v1/sites/{id}/profiles/{pid}': pub.one,
    '/v1/sites/{id}/profiles/{pid}/timeline': pub.timeline,
  };
};
