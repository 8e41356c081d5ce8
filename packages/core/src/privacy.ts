import { z } from 'zod';

/**
 * The audit log (docs/audit.md): an append-only record of administrative actions per organization,
 * and data-subject requests (docs/privacy.md). Shared by the server and the dashboard.
 */

export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.password_changed',
  'org.created',
  'org.updated',
  'org.switched',
  'member.role_changed',
  'member.removed',
  'invitation.created',
  'invitation.revoked',
  'invitation.accepted',
  'api_key.created',
  'api_key.revoked',
  'site.created',
  'site.updated',
  'site.deleted',
  'goal.created',
  'goal.updated',
  'goal.deleted',
  'funnel.created',
  'funnel.updated',
  'funnel.deleted',
  'experiment.created',
  'experiment.updated',
  'experiment.started',
  'experiment.stopped',
  'experiment.winner_declared',
  'experiment.deleted',
  'churn_model.training_started',
  'audience.created',
  'audience.updated',
  'audience.refreshed',
  'audience.deleted',
  'audience.exported',
  'lead_score_model.train_requested',
  'trigger.created',
  'trigger.updated',
  'trigger.deleted',
  'trigger.settings_updated',
  'trigger.dead_letter_retried',
  'trigger.dead_letter_discarded',
  'import.deleted',
  'segments.training_started',
  'export.created',
  'share.created',
  'share.revoked',
  'privacy_request.created',
  'privacy_request.completed',
  'privacy_request.downloaded',
  'settings.updated',
  'reseller.client_created',
  'reseller.client_updated',
  'reseller.switched_in',
  'reseller.switched_out',
  'reseller.client_signed_up',
  'organization.tenancy_updated',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_ACTOR_TYPES = ['user', 'api_key', 'system'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

export const auditEntrySchema = z.object({
  id: z.string(),
  org_id: z.string(),
  at: z.string().meta({ description: 'ISO 8601 time of the action' }),
  action: z.enum(AUDIT_ACTIONS),
  outcome: z.enum(['success', 'failure']),
  actor: z.object({
    type: z.enum(AUDIT_ACTOR_TYPES),
    id: z.string().nullable().meta({ description: 'User or API key id' }),
    label: z.string().meta({ description: 'E-mail of the user, name of the key' }),
  }),
  target: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
  site_id: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

const isoOrDay = z
  .string()
  .max(40)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'a date (YYYY-MM-DD) or ISO 8601 time');

export const auditQuerySchema = z
  .object({
    action: z
      .string()
      .max(60)
      .regex(/^[a-z_]+(\.[a-z_]+)?$/, 'an action (site.updated) or an area (site)')
      .optional()
      .meta({ description: 'An action (site.updated) or every action of an area (site)' }),
    actor: z.string().max(320).optional().meta({ description: 'Actor id or e-mail / key name (exact)' }),
    site_id: z.string().max(64).optional(),
    outcome: z.enum(['success', 'failure']).optional(),
    from: isoOrDay.optional().meta({ description: 'Earliest time (inclusive)' }),
    to: isoOrDay.optional().meta({ description: 'Latest time (exclusive; a day means its end)' }),
    cursor: z
      .string()
      .max(80)
      .regex(/^\d{1,15}_[\w-]{1,40}$/)
      .optional()
      .meta({ description: 'next_cursor of the previous page' }),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const auditPageSchema = z.object({
  entries: z.array(auditEntrySchema),
  next_cursor: z.string().nullable(),
});
export type AuditPage = z.infer<typeof auditPageSchema>;

export const auditExportQuerySchema = auditQuerySchema.omit({ cursor: true, limit: true }).extend({
  format: z.enum(['csv', 'ndjson']).default('csv'),
});

/** Data-subject requests (GDPR Art. 15/17/20, CCPA): who they are about, and what was found and removed. */
export const PRIVACY_REQUEST_TYPES = ['access', 'erasure'] as const;
export type PrivacyRequestType = (typeof PRIVACY_REQUEST_TYPES)[number];
export const PRIVACY_REQUEST_STATUSES = ['pending', 'running', 'completed', 'failed'] as const;
export type PrivacyRequestStatus = (typeof PRIVACY_REQUEST_STATUSES)[number];
export const SUBJECT_KINDS = ['user_id', 'email', 'visitor_id'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

const subjectId = z.string().trim().min(1).max(200);
export const privacySubjectSchema = z.union([
  z.object({ user_id: subjectId }).strict(),
  z.object({ email: z.string().trim().toLowerCase().max(320).pipe(z.email()) }).strict(),
  z.object({ visitor_id: subjectId }).strict(),
]);
export type PrivacySubject = z.infer<typeof privacySubjectSchema>;

export const privacyRequestInputSchema = z
  .object({
    type: z.enum(PRIVACY_REQUEST_TYPES),
    subject: privacySubjectSchema.meta({ description: 'Exactly one of user_id, email or visitor_id' }),
  })
  .strict();
export type PrivacyRequestInput = z.infer<typeof privacyRequestInputSchema>;

export const privacyRequestSchema = z.object({
  id: z.string(),
  site_id: z.string(),
  type: z.enum(PRIVACY_REQUEST_TYPES),
  subject: z.object({ kind: z.enum(SUBJECT_KINDS), masked: z.string().meta({ description: 'The identifier, partly hidden' }) }),
  status: z.enum(PRIVACY_REQUEST_STATUSES),
  requested_by: z.string(),
  requested_at: z.string(),
  due_at: z.string().meta({ description: 'Legal deadline: 30 days after the request' }),
  completed_at: z.string().nullable(),
  found: z.record(z.string(), z.number()).nullable().meta({ description: 'Records found, per store' }),
  removed: z.record(z.string(), z.number()).nullable().meta({ description: 'Records removed or unlinked, per store (erasure)' }),
  error: z.string().nullable(),
  archive_url: z.string().nullable().meta({ description: 'Access requests: the archive (zip of JSON and CSV) once completed' }),
});
export type PrivacyRequest = z.infer<typeof privacyRequestSchema>;
