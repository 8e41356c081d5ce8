import { Migrator, type Kysely, type Migration } from 'kysely';
import type { MetaSchema } from './schema';
import type { SaltStore } from './types';
import { connectMeta, type MetaDialectName } from './connect';
import { metaMigrations } from './migrations';
import { OrgRepo } from './repos/orgs';
import { UserRepo } from './repos/users';
import { MemberRepo } from './repos/members';
import { SiteRepo } from './repos/sites';
import { ApiKeyRepo } from './repos/api-keys';
import { InvitationRepo } from './repos/invitations';
import { SessionRepo } from './repos/sessions';
import { SqlSaltStore } from './repos/salts';
import { EmailVerificationRepo } from './repos/email-verifications';
import { SitePurgeRepo } from './repos/site-purges';
import { SiteRevenueRepo } from './repos/site-revenue';
import { SiteScoringRepo } from './repos/site-scoring';
import { SiteConnectionRepo } from './repos/site-connections';
import { SegmentModelRepo } from './repos/segment-models';
import { FunnelRepo } from './repos/funnels';
import { GoalRepo } from './repos/goals';
import { ExperimentRepo } from './repos/experiments';
import { ImportJobRepo } from './repos/import-jobs';
import { AnnotationRepo } from './repos/annotations';
import { ShareRepo } from './repos/shares';
import { AlertRepo } from './repos/alerts';
import { AuditLogRepo } from './repos/audit-log';
import { PrivacyRequestRepo } from './repos/privacy-requests';
import { ConsentLogRepo, SiteConsentRepo } from './repos/consent';
import { OrgDomainRepo } from './repos/org-domains';
import { OrgBrandingRepo } from './repos/org-branding';
import { EmailReportRepo } from './repos/email-reports';
import { OrgTenancyRepo } from './repos/org-tenancy';
import { JobRunRepo } from './repos/job-runs';
import { SystemAlertRepo } from './repos/system-alerts';

/** Orgs, users, sites, keys, sessions, salts and e-mail verifications, on SQLite (embedded) or PostgreSQL (scale-out). */
export class MetaStore {
  readonly orgs: OrgRepo;
  readonly users: UserRepo;
  readonly members: MemberRepo;
  readonly sites: SiteRepo;
  readonly apiKeys: ApiKeyRepo;
  readonly invitations: InvitationRepo;
  readonly sessions: SessionRepo;
  readonly salts: SaltStore;
  readonly emailVerifications: EmailVerificationRepo;
  readonly sitePurges: SitePurgeRepo;
  readonly siteRevenue: SiteRevenueRepo;
  readonly siteScoring: SiteScoringRepo;
  readonly siteConnections: SiteConnectionRepo;
  readonly segmentModels: SegmentModelRepo;
  readonly funnels: FunnelRepo;
  readonly goals: GoalRepo;
  readonly experiments: ExperimentRepo;
  readonly importJobs: ImportJobRepo;
  readonly annotations: AnnotationRepo;
  readonly shares: ShareRepo;
  readonly alerts: AlertRepo;
  readonly auditLog: AuditLogRepo;
  readonly privacyRequests: PrivacyRequestRepo;
  readonly siteConsent: SiteConsentRepo;
  readonly consentLog: ConsentLogRepo;
  readonly orgDomains: OrgDomainRepo;
  readonly orgBranding: OrgBrandingRepo;
  readonly reports: EmailReportRepo;
  readonly tenancy: OrgTenancyRepo;
  readonly jobRuns: JobRunRepo;
  readonly systemAlerts: SystemAlertRepo;

  constructor(
    /** The Kysely instance; other modules type their own tables with `db.withTables<...>()`. */
    readonly db: Kysely<MetaSchema>,
    readonly dialect: MetaDialectName,
  ) {
    this.orgs = new OrgRepo(db);
    this.users = new UserRepo(db);
    this.members = new MemberRepo(db);
    this.sites = new SiteRepo(db);
    this.apiKeys = new ApiKeyRepo(db);
    this.invitations = new InvitationRepo(db);
    this.sessions = new SessionRepo(db);
    this.salts = new SqlSaltStore(db);
    this.emailVerifications = new EmailVerificationRepo(db);
    this.sitePurges = new SitePurgeRepo(db);
    this.siteRevenue = new SiteRevenueRepo(db);
    this.siteScoring = new SiteScoringRepo(db);
    this.siteConnections = new SiteConnectionRepo(db);
    this.segmentModels = new SegmentModelRepo(db);
    this.funnels = new FunnelRepo(db);
    this.goals = new GoalRepo(db);
    this.experiments = new ExperimentRepo(db);
    this.importJobs = new ImportJobRepo(db);
    this.annotations = new AnnotationRepo(db);
    this.shares = new ShareRepo(db);
    this.alerts = new AlertRepo(db);
    this.auditLog = new AuditLogRepo(db);
    this.tenancy = new OrgTenancyRepo(db);
    this.privacyRequests = new PrivacyRequestRepo(db);
    this.siteConsent = new SiteConsentRepo(db);
    this.consentLog = new ConsentLogRepo(db);
    this.orgDomains = new OrgDomainRepo(db);
    this.orgBranding = new OrgBrandingRepo(db);
    this.reports = new EmailReportRepo(db);
    this.jobRuns = new JobRunRepo(db);
    this.systemAlerts = new SystemAlertRepo(db);
  }

  /** Applies the accounts migrations (idempotent; safe when several processes start at once). */
  async migrate(): Promise<void> {
    await this.migrateModule('meta', metaMigrations);
  }

  /**
   * Applies another module's own migration set, tracked in its own table (`<module>_migrations`), so
   * modules add tables without touching this module's migrations. Migration names sort in apply order.
   */
  async migrateModule(module: string, migrations: Record<string, Migration>): Promise<void> {
    if (!/^[a-z][a-z0-9_]{0,30}$/.test(module)) throw new Error(`invalid migration module name: ${module}`);
    const migrator = new Migrator({
      db: this.db,
      provider: { getMigrations: async () => migrations },
      migrationTableName: `${module}_migrations`,
      migrationLockTableName: `${module}_migrations_lock`,
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName;
      throw new Error(
        `metadata migration ${module}${failed ? `/${failed}` : ''} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

/** Opens (and migrates) the metadata store the configuration selects. */
export async function openMetaStore(opts: { databaseUrl?: string; dataDir?: string; sqlitePath?: string }): Promise<MetaStore> {
  const { db, dialect } = connectMeta(opts);
  const store = new MetaStore(db, dialect);
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  return store;
}
