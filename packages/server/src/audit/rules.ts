import type { AuditAction } from '@tidemark/core';

/**
 * Which routes write which audit entry. Recording happens around the handler (hook.ts), so a route's
 * own code stays unchanged and an action is recorded only when the route answered (2xx, or the failure
 * statuses a rule names). Where the organization comes from:
 *  - site: the `:id` site's organization, read before the handler runs (a deleted site is gone after);
 *  - org: the `:orgId` path parameter;
 *  - key: the `:keyId` key's organization;
 *  - actor: the caller's current organization (session) or its key's;
 *  - response: `org_id`/`id`/`current_org.id` of the answer (a new organization, an accepted invitation);
 *  - user: every organization of the user the answer (sign-in) or the body's e-mail (failed sign-in) names.
 */
export type OrgSource = 'site' | 'org' | 'key' | 'actor' | 'response' | 'user';

export interface AuditRule {
  method: string;
  url: string;
  action: AuditAction;
  org: OrgSource;
  /** Target type; its id from the path parameter `param`, else the answer's `id`. */
  target?: { type: string; param?: string };
  /** Failure statuses recorded too (outcome "failure"): failed sign-ins, wrong current password. */
  failures?: number[];
  /** Body fields copied into the details (never passwords or tokens). */
  bodyFields?: string[];
  /** Record the names of the fields the body changes (settings patches). */
  changedFields?: boolean;
  /** Path parameter whose site id the entry names (site routes: `id`). */
  siteParam?: string;
  /** For member.role_changed: the role before the change, read before the handler. */
  priorRole?: boolean;
}

const site = (method: string, url: string, action: AuditAction, target: AuditRule['target'], more: Partial<AuditRule> = {}): AuditRule => ({
  method,
  url,
  action,
  org: 'site',
  target,
  siteParam: 'id',
  ...more,
});

export const AUDIT_RULES: AuditRule[] = [
  // Throttled attempts (429) are not recorded one by one: the failures that led to the throttle are.
  { method: 'POST', url: '/api/auth/login', action: 'auth.login', org: 'user', failures: [401, 403] },
  { method: 'POST', url: '/api/auth/logout', action: 'auth.logout', org: 'actor' },
  { method: 'POST', url: '/api/auth/password', action: 'auth.password_changed', org: 'actor', failures: [403] },
  { method: 'POST', url: '/api/auth/register', action: 'org.created', org: 'response', target: { type: 'organization' } },
  { method: 'POST', url: '/api/auth/org', action: 'org.switched', org: 'response' },
  { method: 'POST', url: '/api/orgs', action: 'org.created', org: 'response', target: { type: 'organization' }, bodyFields: ['name'] },
  {
    method: 'PATCH',
    url: '/api/orgs/:orgId',
    action: 'org.updated',
    org: 'org',
    target: { type: 'organization', param: 'orgId' },
    bodyFields: ['name'],
  },
  { method: 'POST', url: '/api/orgs/:orgId/switch', action: 'org.switched', org: 'org', target: { type: 'organization', param: 'orgId' } },
  {
    method: 'PATCH',
    url: '/api/orgs/:orgId/members/:userId',
    action: 'member.role_changed',
    org: 'org',
    target: { type: 'user', param: 'userId' },
    bodyFields: ['role'],
    priorRole: true,
  },
  {
    method: 'DELETE',
    url: '/api/orgs/:orgId/members/:userId',
    action: 'member.removed',
    org: 'org',
    target: { type: 'user', param: 'userId' },
    priorRole: true,
  },
  {
    method: 'POST',
    url: '/api/orgs/:orgId/invitations',
    action: 'invitation.created',
    org: 'org',
    target: { type: 'invitation' },
    bodyFields: ['email', 'role'],
  },
  {
    method: 'DELETE',
    url: '/api/orgs/:orgId/invitations/:invitationId',
    action: 'invitation.revoked',
    org: 'org',
    target: { type: 'invitation', param: 'invitationId' },
  },
  { method: 'POST', url: '/api/invitations/:token/accept', action: 'invitation.accepted', org: 'response' },
  { method: 'POST', url: '/api/invitations/accept', action: 'invitation.accepted', org: 'response' },
  {
    method: 'POST',
    url: '/api/keys',
    action: 'api_key.created',
    org: 'actor',
    target: { type: 'api_key' },
    bodyFields: ['name', 'permissions', 'site_id'],
  },
  { method: 'DELETE', url: '/api/keys/:keyId', action: 'api_key.revoked', org: 'key', target: { type: 'api_key', param: 'keyId' } },
  { method: 'POST', url: '/api/sites', action: 'site.created', org: 'actor', target: { type: 'site' }, bodyFields: ['name', 'domain'] },
  site('PATCH', '/api/sites/:id', 'site.updated', { type: 'site', param: 'id' }, { changedFields: true }),
  site('DELETE', '/api/sites/:id', 'site.deleted', { type: 'site', param: 'id' }),
  site('POST', '/api/sites/:id/goals', 'goal.created', { type: 'goal' }, { bodyFields: ['name', 'type'] }),
  site('PATCH', '/api/sites/:id/goals/:goal_id', 'goal.updated', { type: 'goal', param: 'goal_id' }, { changedFields: true }),
  site('DELETE', '/api/sites/:id/goals/:goal_id', 'goal.deleted', { type: 'goal', param: 'goal_id' }),
  site('POST', '/api/sites/:id/funnels', 'funnel.created', { type: 'funnel' }, { bodyFields: ['name'] }),
  site('PATCH', '/api/sites/:id/funnels/:funnel_id', 'funnel.updated', { type: 'funnel', param: 'funnel_id' }, { changedFields: true }),
  site('DELETE', '/api/sites/:id/funnels/:funnel_id', 'funnel.deleted', { type: 'funnel', param: 'funnel_id' }),
  site('POST', '/api/sites/:id/segments/train', 'segments.training_started', { type: 'segments', param: 'id' }),
  site('POST', '/api/sites/:id/experiments', 'experiment.created', { type: 'experiment' }, { bodyFields: ['key', 'name'] }),
  site(
    'PATCH',
    '/api/sites/:id/experiments/:experiment_id',
    'experiment.updated',
    { type: 'experiment', param: 'experiment_id' },
    { changedFields: true },
  ),
  site('POST', '/api/sites/:id/experiments/:experiment_id/start', 'experiment.started', { type: 'experiment', param: 'experiment_id' }),
  site('POST', '/api/sites/:id/experiments/:experiment_id/stop', 'experiment.stopped', { type: 'experiment', param: 'experiment_id' }),
  site(
    'POST',
    '/api/sites/:id/experiments/:experiment_id/winner',
    'experiment.winner_declared',
    { type: 'experiment', param: 'experiment_id' },
    { bodyFields: ['variant'] },
  ),
  site('DELETE', '/api/sites/:id/experiments/:experiment_id', 'experiment.deleted', { type: 'experiment', param: 'experiment_id' }),
  site('POST', '/api/sites/:id/audiences', 'audience.created', { type: 'audience' }, { bodyFields: ['name'] }),
  site(
    'PATCH',
    '/api/sites/:id/audiences/:audience_id',
    'audience.updated',
    { type: 'audience', param: 'audience_id' },
    { changedFields: true },
  ),
  site('POST', '/api/sites/:id/audiences/:audience_id/refresh', 'audience.refreshed', { type: 'audience', param: 'audience_id' }),
  site('DELETE', '/api/sites/:id/audiences/:audience_id', 'audience.deleted', { type: 'audience', param: 'audience_id' }),
  site('GET', '/api/sites/:id/audiences/:audience_id/members.csv', 'audience.exported', { type: 'audience', param: 'audience_id' }),
  site('GET', '/v1/sites/:id/audiences/:audience_id/members.csv', 'audience.exported', { type: 'audience', param: 'audience_id' }),
  site('POST', '/api/sites/:id/triggers', 'trigger.created', { type: 'trigger' }, { bodyFields: ['name'] }),
  site(
    'PUT',
    '/api/sites/:id/triggers/:trigger_id',
    'trigger.updated',
    { type: 'trigger', param: 'trigger_id' },
    { bodyFields: ['name', 'enabled'] },
  ),
  site('DELETE', '/api/sites/:id/triggers/:trigger_id', 'trigger.deleted', { type: 'trigger', param: 'trigger_id' }),
  site('PUT', '/api/sites/:id/trigger-settings', 'trigger.settings_updated', { type: 'site', param: 'id' }, { changedFields: true }),
  site('POST', '/api/sites/:id/dead-letters/:action_id/retry', 'trigger.dead_letter_retried', {
    type: 'trigger_action',
    param: 'action_id',
  }),
  site('DELETE', '/api/sites/:id/dead-letters/:action_id', 'trigger.dead_letter_discarded', { type: 'trigger_action', param: 'action_id' }),
  site('DELETE', '/api/sites/:id/imports/:importId', 'import.deleted', { type: 'import', param: 'importId' }),
  site('POST', '/api/sites/:id/privacy/requests', 'privacy_request.created', { type: 'privacy_request' }, { bodyFields: ['type'] }),
  site('POST', '/v1/sites/:id/privacy/requests', 'privacy_request.created', { type: 'privacy_request' }, { bodyFields: ['type'] }),
  site('GET', '/api/sites/:id/privacy/requests/:request_id/archive', 'privacy_request.downloaded', {
    type: 'privacy_request',
    param: 'request_id',
  }),
  site('GET', '/v1/sites/:id/privacy/requests/:request_id/archive', 'privacy_request.downloaded', {
    type: 'privacy_request',
    param: 'request_id',
  }),
  site('PUT', '/api/sites/:id/consent', 'settings.updated', { type: 'consent_settings', param: 'id' }, { changedFields: true }),
  site('PUT', '/api/sites/:id/scoring/rules', 'settings.updated', { type: 'scoring_rules', param: 'id' }, { changedFields: true }),
  site(
    'PUT',
    '/api/sites/:id/connections/:provider',
    'settings.updated',
    { type: 'connection', param: 'provider' },
    { bodyFields: ['base_url'] },
  ),
  site('DELETE', '/api/sites/:id/connections/:provider', 'settings.updated', { type: 'connection', param: 'provider' }),
  site('POST', '/api/sites/:id/models/churn/train', 'churn_model.training_started', { type: 'site', param: 'id' }),
  site('PUT', '/api/sites/:id/scoring/mode', 'settings.updated', { type: 'scoring_mode', param: 'id' }, { changedFields: true }),
  site(
    'POST',
    '/api/sites/:id/models/lead-score/train',
    'lead_score_model.train_requested',
    { type: 'lead_score_model', param: 'id' },
    { bodyFields: ['goal_id', 'horizon_days'] },
  ),
  site('GET', '/api/sites/:id/consent/log/export', 'export.created', { type: 'consent_log', param: 'id' }),
  site('GET', '/v1/sites/:id/consent/log/export', 'export.created', { type: 'consent_log', param: 'id' }),
  {
    method: 'POST',
    url: '/api/orgs/:orgId/domains',
    action: 'settings.updated',
    org: 'org',
    target: { type: 'domain' },
    bodyFields: ['host', 'kind'],
  },
  {
    method: 'POST',
    url: '/api/orgs/:orgId/domains/:domainId/verify',
    action: 'settings.updated',
    org: 'org',
    target: { type: 'domain', param: 'domainId' },
  },
  {
    method: 'DELETE',
    url: '/api/orgs/:orgId/domains/:domainId',
    action: 'settings.updated',
    org: 'org',
    target: { type: 'domain', param: 'domainId' },
  },
  {
    method: 'PUT',
    url: '/api/orgs/:orgId/branding',
    action: 'settings.updated',
    org: 'org',
    target: { type: 'branding', param: 'orgId' },
    changedFields: true,
  },
  { method: 'GET', url: '/api/orgs/:orgId/audit/export', action: 'export.created', org: 'org', target: { type: 'audit_log' } },
  { method: 'GET', url: '/v1/audit/export', action: 'export.created', org: 'actor', target: { type: 'audit_log' } },
];

/** Rules by "METHOD url" (Fastify's route pattern). */
export function ruleIndex(rules: AuditRule[] = AUDIT_RULES): Map<string, AuditRule> {
  return new Map(rules.map((r) => [`${r.method} ${r.url}`, r]));
}
