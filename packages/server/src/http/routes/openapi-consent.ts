import { z } from 'zod';
import {
  consentDecisionSchema,
  consentLogEntrySchema,
  consentLogQuerySchema,
  consentSettingsPatchSchema,
  consentSettingsSchema,
  consentVerifySchema,
} from '@tidemark/core';
import type { Json, OpenApiSection } from './openapi-document';

/** Consent (http/routes/consent.ts, consent/; docs/consent.md): settings, the consent log, and the public endpoints of t.consent.js. */
export const consentOpenApi: OpenApiSection = (t) => {
  const settingsOut = consentSettingsSchema.extend({
    text_version: z.string().meta({ description: 'Short hash of what the banner shows; recorded with every decision' }),
    snippet: z.string().meta({ description: "The script tag the site's pages need for this mode" }),
  });
  const settings = t.schema('ConsentSettings', settingsOut, 'output');
  const page = t.schema(
    'ConsentLogPage',
    z.object({ entries: z.array(consentLogEntrySchema), next_before_seq: z.number().nullable() }),
    'output',
  );
  const verify = t.schema('ConsentLogVerification', consentVerifySchema, 'output');
  const logParams = t.parameters(consentLogQuerySchema);
  const file: Json = {
    description: 'The matching entries as CSV (format=csv, default) or NDJSON',
    content: { 'text/csv': { schema: { type: 'string' } } },
  };
  const paths: Record<string, Json> = {
    '/api/sites/{id}/consent': {
      get: {
        operationId: 'getConsentSettings',
        tags: ['Consent'],
        summary: "The site's consent mode (none | required | optional-upgrade), categories, banner texts per language, theme",
        parameters: [t.siteParam],
        responses: { 200: t.json(settings), ...t.errors(401, 403, 404) },
      },
      put: {
        operationId: 'updateConsentSettings',
        tags: ['Consent'],
        summary: 'Change the consent settings (members and up); any subset, validated whole; recorded in the audit log',
        parameters: [t.siteParam],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: t.schema('ConsentSettingsPatch', consentSettingsPatchSchema, 'input') } },
        },
        responses: { 200: t.json(settings), ...t.errors(400, 401, 403, 404) },
      },
    },
    '/api/consent/config': {
      get: {
        operationId: 'consentBannerConfig',
        tags: ['Consent'],
        summary: 'What t.consent.js shows for a site (public, by tracking id; any origin may read it)',
        parameters: [{ name: 'site', in: 'query', required: true, description: 'Tracking id', schema: { type: 'string' } }],
        responses: {
          200: t.json(t.schema('ConsentBannerConfig', consentSettingsSchema.extend({ text_version: z.string() }), 'output')),
          ...t.errors(400, 404),
        },
      },
    },
    '/api/consent': {
      post: {
        operationId: 'recordConsent',
        tags: ['Consent'],
        summary: "Record a visitor's decision (t.consent.js; from one of the site's hosts, text/plain JSON like collection)",
        requestBody: { required: true, content: { 'text/plain': { schema: t.schema('ConsentDecision', consentDecisionSchema, 'input') } } },
        responses: {
          201: t.json(t.schema('ConsentRecorded', z.object({ success: z.literal(true), seq: z.number() }), 'output'), 'Recorded'),
          ...t.errors(400, 403, 404, 429),
        },
      },
    },
  };
  for (const [prefix, tag] of [
    ['/api', 'Consent'],
    ['/v1', 'Public API'],
  ] as const) {
    const op = (n: string) => (prefix === '/api' ? n : `public${n[0]!.toUpperCase()}${n.slice(1)}`);
    paths[`${prefix}/sites/{id}/consent/log`] = {
      get: {
        operationId: op('consentLog'),
        tags: [tag],
        summary:
          'The consent log, newest first (admins): each decision with pseudonymous id, categories granted, text version, source and hash chain',
        parameters: [t.siteParam, ...logParams],
        responses: { 200: t.json(page), ...t.errors(400, 401, 403, 404) },
      },
    };
    paths[`${prefix}/sites/{id}/consent/log/export`] = {
      get: {
        operationId: op('exportConsentLog'),
        tags: [tag],
        summary: 'Export the consent log (admins; recorded in the audit log)',
        parameters: [
          t.siteParam,
          ...logParams.filter((p) => !['before_seq', 'limit'].includes(String(p.name))),
          { name: 'format', in: 'query', schema: { enum: ['csv', 'ndjson'] } },
        ],
        responses: { 200: file, ...t.errors(400, 401, 403, 404) },
      },
    };
    paths[`${prefix}/sites/{id}/consent/log/verify`] = {
      get: {
        operationId: op('verifyConsentLog'),
        tags: [tag],
        summary: 'Recompute the hash chain: ok, or the first entry that was changed or whose predecessor is missing',
        parameters: [t.siteParam],
        responses: { 200: t.json(verify), ...t.errors(401, 403, 404) },
      },
    };
  }
  return paths;
};
