export { MetaStore, openMetaStore } from './store';
export type { MetaSchema } from './schema';
export type { MetaDialectName } from './connect';
export type {
  Role,
  KeyPermission,
  SiteRecord,
  ApiKeyRecord,
  SaltStore,
  OrgRecord,
  UserRecord,
  MemberRecord,
  InvitationRecord,
  SessionRecord,
} from './types';
export { ROLES, KEY_PERMISSIONS } from './types';
export type { SiteSettings, SiteSettingsPatch, SiteCreateInput } from './repos/sites';
export type { ApiKeyCreateInput } from './repos/api-keys';
export type { SitePurgeRecord } from './repos/site-purges';
export type { ImportJobRecord, ImportSource, ImportStatus, ImportJobUpdate } from './repos/import-jobs';
export { API_KEY_PREFIX, looksLikeApiKey } from './repos/api-keys';
export { normalizeEmail } from './repos/users';
export { sha256Hex, newShareToken } from './ids';
export type { SiteRevenueRecord, ExchangeRate } from './repos/site-revenue';
export { MAX_FUNNELS_PER_SITE } from './repos/funnels';
export { MAX_ANNOTATIONS_PER_SITE, type AnnotationRow } from './repos/annotations';
export { MAX_SHARES_PER_SITE, type ShareRecord, type ShareCreateRow } from './repos/shares';
export { MAX_ALERTS_PER_SITE, ALERT_HISTORY_LIMIT, type AlertRow, type AlertEventRow } from './repos/alerts';
export type { AuditAppend } from './repos/audit-log';
export type { PrivacyRequestRecord, PrivacyRequestInsert } from './repos/privacy-requests';
export { consentHash, type SiteConsentRow, type ConsentAppend } from './repos/consent';
export type { OrgDomainRecord } from './repos/org-domains';
export { MAX_REPORTS_PER_SITE } from './repos/email-reports';
export { MAX_EXPERIMENTS_PER_SITE, type ExperimentChange } from './repos/experiments';
export type { JobRunRow } from './repos/job-runs';
export { MAX_SYSTEM_ALERTS, type SystemAlertRow } from './repos/system-alerts';
export type { OrgTenancy } from './repos/org-tenancy';
export type { SiteConnectionRow } from './repos/site-connections';
