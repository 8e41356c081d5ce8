import crypto from 'node:crypto';
import type { Kysely, Migration } from 'kysely';

/**
 * The one migration set for both engines, written with Kysely's schema builder so the DDL is
 * portable. Names sort in order of application; never edit an applied migration, add a new one.
 */
// Migrations run against whatever schema the database has at that point, not today's types.
// biome-ignore lint/suspicious/noExplicitAny: as Kysely's migration guide prescribes
type AnyDb = Kysely<any>;

export const metaMigrations: Record<string, Migration> = {
  '0001_accounts': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('organizations')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('slug', 'varchar(120)', (c) => c.notNull().unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('email', 'varchar(320)', (c) => c.notNull().unique())
        .addColumn('password_hash', 'varchar(255)')
        .addColumn('name', 'varchar(255)', (c) => c.notNull().defaultTo(''))
        .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('organization_members')
        .addColumn('org_id', 'varchar(36)', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('role', 'varchar(16)', (c) => c.notNull())
        .addColumn('invited_by', 'varchar(36)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('organization_members_pk', ['org_id', 'user_id'])
        .execute();
      await db.schema.createIndex('idx_org_members_user').on('organization_members').column('user_id').execute();

      await db.schema
        .createTable('sites')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('org_id', 'varchar(36)', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('tracking_id', 'varchar(50)', (c) => c.notNull().unique())
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('domain', 'varchar(255)', (c) => c.notNull())
        .addColumn('allowed_hosts', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('timezone', 'varchar(64)', (c) => c.notNull().defaultTo('UTC'))
        .addColumn('session_timeout_min', 'integer', (c) => c.notNull().defaultTo(30))
        .addColumn('respect_dnt', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('cookieless', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('retention_days', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('excluded_paths', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('excluded_ips', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idx_sites_org').on('sites').column('org_id').execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('org_id', 'varchar(36)', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('site_id', 'varchar(36)', (c) => c.references('sites.id').onDelete('cascade'))
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('key_hash', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('key_prefix', 'varchar(32)', (c) => c.notNull())
        .addColumn('permissions', 'text', (c) => c.notNull())
        .addColumn('rate_limit_per_min', 'integer', (c) => c.notNull())
        .addColumn('created_by', 'varchar(36)')
        .addColumn('last_used_at', 'bigint')
        .addColumn('expires_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idx_api_keys_org').on('api_keys').column('org_id').execute();

      await db.schema
        .createTable('invitations')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('org_id', 'varchar(36)', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('email', 'varchar(320)', (c) => c.notNull())
        .addColumn('role', 'varchar(16)', (c) => c.notNull())
        .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('invited_by', 'varchar(36)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('accepted_at', 'bigint')
        .addColumn('accepted_by', 'varchar(36)')
        .execute();
      await db.schema.createIndex('idx_invitations_org').on('invitations').column('org_id').execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('org_id', 'varchar(36)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('user_agent', 'varchar(255)', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema.createIndex('idx_sessions_user').on('sessions').column('user_id').execute();

      await db.schema
        .createTable('salts')
        .addColumn('day', 'varchar(10)', (c) => c.primaryKey())
        .addColumn('salt', 'varchar(128)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      for (const t of ['salts', 'sessions', 'invitations', 'api_keys', 'sites', 'organization_members', 'users', 'organizations']) {
        await db.schema.dropTable(t).ifExists().execute();
      }
    },
  },
  /** Open sign-up accounts must confirm their e-mail before they can sign in (docs/accounts.md). */
  '0002_email_verifications': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('email_verifications')
        .addColumn('user_id', 'varchar(36)', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('email_verifications').ifExists().execute();
    },
  },
  '0003_site_purges': {
    // A deleted site's pending data purge (lifecycle/): kept after completion as the site's tombstone.
    async up(db: AnyDb) {
      await db.schema
        .createTable('site_purges')
        .addColumn('site_id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('tracking_id', 'varchar(50)', (c) => c.notNull().unique())
        .addColumn('requested_at', 'bigint', (c) => c.notNull())
        .addColumn('passes', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_pass_at', 'bigint')
        .addColumn('completed_at', 'bigint')
        .execute();
      await db.schema.createIndex('idx_site_purges_pending').on('site_purges').column('completed_at').execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('site_purges').ifExists().execute();
    },
  },
  '0004_goals': {
    // A site's goals (conversion/): definitions only; the stats engine applies them to stored events.
    async up(db: AnyDb) {
      await db.schema
        .createTable('goals')
        .ifNotExists()
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('site_id', 'varchar(36)', (c) => c.notNull().references('sites.id').onDelete('cascade'))
        .addColumn('name', 'varchar(100)', (c) => c.notNull())
        .addColumn('type', 'varchar(32)', (c) => c.notNull())
        .addColumn('match', 'text', (c) => c.notNull())
        .addColumn('value', 'double precision')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idx_goals_site').ifNotExists().on('goals').column('site_id').execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('goals').ifExists().execute();
    },
  },
  /** Funnels of a site (conversion/funnels): steps as JSON; rows go with their site. */
  '0005_funnels': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('funnels')
        .ifNotExists()
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('site_id', 'varchar(36)', (c) => c.notNull().references('sites.id').onDelete('cascade'))
        .addColumn('name', 'varchar(100)', (c) => c.notNull())
        .addColumn('steps', 'text', (c) => c.notNull())
        .addColumn('scope', 'varchar(16)', (c) => c.notNull())
        .addColumn('window_value', 'integer')
        .addColumn('window_unit', 'varchar(16)')
        .addColumn('created_by', 'varchar(36)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idx_funnels_site').ifNotExists().on('funnels').column('site_id').execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('funnels').ifExists().execute();
    },
  },
  /**
   * Umami clients name a site by a UUID website id: one per site, made for every existing site here and
   * for each new one by the repository. Nullable in the DDL (SQLite cannot add a NOT NULL column
   * without a default); the repository never leaves it empty.
   */
  '0006_sites_umami_website_id': {
    async up(db: AnyDb) {
      await db.schema.alterTable('sites').addColumn('umami_website_id', 'varchar(36)').execute();
      const rows: Array<{ id: string }> = await db.selectFrom('sites').select('id').execute();
      for (const r of rows) {
        await db.updateTable('sites').set({ umami_website_id: crypto.randomUUID() }).where('id', '=', r.id).execute();
      }
      await db.schema.createIndex('idx_sites_umami_website_id').on('sites').column('umami_website_id').unique().execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropIndex('idx_sites_umami_website_id').ifExists().execute();
      await db.schema.alterTable('sites').dropColumn('umami_website_id').execute();
    },
  },
  '0007_import_jobs': {
    // Imports of other tools' exports (imports/): one row per (site, source, file content), replaced on re-import.
    async up(db: AnyDb) {
      await db.schema
        .createTable('import_jobs')
        .ifNotExists()
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('site_id', 'varchar(36)', (c) => c.notNull().references('sites.id').onDelete('cascade'))
        .addColumn('source', 'varchar(16)', (c) => c.notNull())
        .addColumn('file_name', 'varchar(255)', (c) => c.notNull())
        .addColumn('file_sha256', 'varchar(64)', (c) => c.notNull())
        .addColumn('file_bytes', 'bigint', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('progress', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('rows', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('skipped', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('start_day', 'varchar(10)')
        .addColumn('end_day', 'varchar(10)')
        .addColumn('error', 'varchar(1000)')
        .addColumn('created_by', 'varchar(36)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .execute();
      await db.schema.createIndex('idx_import_jobs_site').ifNotExists().on('import_jobs').columns(['site_id', 'created_at']).execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('import_jobs').ifExists().execute();
    },
  },
  '0009_site_revenue': {
    // Revenue settings per site (the Stripe signing secret sealed with a key derived from the server
    // secret; the reporting currency) and the exchange rates totals convert with (revenue/).
    async up(db: AnyDb) {
      await db.schema
        .createTable('site_revenue')
        .ifNotExists()
        .addColumn('site_id', 'varchar(36)', (c) => c.primaryKey().references('sites.id').onDelete('cascade'))
        .addColumn('stripe_secret_sealed', 'text')
        .addColumn('currency', 'varchar(3)', (c) => c.notNull().defaultTo('USD'))
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('exchange_rates')
        .ifNotExists()
        .addColumn('currency', 'varchar(3)', (c) => c.notNull())
        .addColumn('day', 'varchar(10)', (c) => c.notNull())
        .addColumn('per_eur', 'double precision', (c) => c.notNull())
        .addPrimaryKeyConstraint('exchange_rates_pk', ['currency', 'day'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('site_revenue').ifExists().execute();
      await db.schema.dropTable('exchange_rates').ifExists().execute();
    },
  },
  '0012_site_behaviour': {
    // Behaviour settings per site (behaviour/): heatmaps for a share of sessions, web vitals, JavaScript errors.
    async up(db: AnyDb) {
      await db.schema
        .alterTable('sites')
        .addColumn('heatmaps_enabled', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('sites')
        .addColumn('heatmap_sample_rate', 'double precision', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .alterTable('sites')
        .addColumn('vitals_enabled', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('sites')
        .addColumn('errors_enabled', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
    async down(db: AnyDb) {
      for (const c of ['heatmaps_enabled', 'heatmap_sample_rate', 'vitals_enabled', 'errors_enabled'])
        await db.schema.alterTable('sites').dropColumn(c).execute();
    },
  },
  '0013_site_replay': {
    // Session replay settings of a site (replay/): flat columns, so the cached site carries them to the
    // tracker-extension rule that runs on every collect answer.
    async up(db: AnyDb) {
      const cols: Array<[string, 'integer' | 'text' | 'double precision', number | string]> = [
        ['replay_enabled', 'integer', 0],
        ['replay_sample_rate', 'double precision', 1],
        ['replay_requires_consent', 'integer', 1],
        ['replay_mask_all_text', 'integer', 0],
        ['replay_mask_selectors', 'text', '[]'],
        ['replay_block_selectors', 'text', '[]'],
        ['replay_excluded_paths', 'text', '[]'],
        ['replay_monthly_quota', 'integer', 10_000],
        ['replay_max_bytes', 'integer', 20_000_000],
      ];
      for (const [name, type, def] of cols)
        await db.schema
          .alterTable('sites')
          .addColumn(name, type, (c) => c.notNull().defaultTo(def))
          .execute();
    },
    async down(db: AnyDb) {
      for (const name of [
        'replay_enabled',
        'replay_sample_rate',
        'replay_requires_consent',
        'replay_mask_all_text',
        'replay_mask_selectors',
        'replay_block_selectors',
        'replay_excluded_paths',
        'replay_monthly_quota',
        'replay_max_bytes',
      ])
        await db.schema.alterTable('sites').dropColumn(name).execute();
    },
  },
  '0014_operations': {
    // Operations (docs/operations.md): annotations on a site's charts, and shared dashboard links
    // (token and password stored only as hashes). Rows go with their site; neither holds visitor data.
    async up(db: AnyDb) {
      await db.schema
        .createTable('annotations')
        .ifNotExists()
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('site_id', 'varchar(36)', (c) => c.notNull().references('sites.id').onDelete('cascade'))
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('title', 'varchar(200)', (c) => c.notNull())
        .addColumn('description', 'varchar(2000)')
        .addColumn('category', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_by', 'varchar(36)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idx_annotations_site_at').ifNotExists().on('annotations').columns(['site_id', 'at']).execute();
      await db.schema
        .createTable('site_shares')
        .ifNotExists()
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('site_id', 'varchar(36)', (c) => c.notNull().references('sites.id').onDelete('cascade'))
        .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('token_prefix', 'varchar(16)', (c) => c.notNull())
        .addColumn('name', 'varchar(100)', (c) => c.notNull())
        .addColumn('password_hash', 'varchar(255)')
        .addColumn('expires_at', 'bigint')
        .addColumn('cards', 'text', (c) => c.notNull())
        .addColumn('frame_ancestors', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('created_by', 'varchar(36)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idx_site_shares_site').ifNotExists().on('site_shares').column('site_id').execute();
      // Alerts: the definition (channels sealed: they hold webhook URLs and secrets), its state, and its history.
      await db.schema
        .createTable('alerts')
        .ifNotExists()
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('site_id', 'varchar(36)', (c) => c.notNull().references('sites.id').onDelete('cascade'))
        .addColumn('name', 'varchar(100)', (c) => c.notNull())
        .addColumn('definition', 'text', (c) => c.notNull())
        .addColumn('channels_sealed', 'text', (c) => c.notNull())
        .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('state', 'varchar(16)', (c) => c.notNull().defaultTo('ok'))
        .addColumn('last_value', 'double precision')
        .addColumn('last_bucket', 'bigint')
        .addColumn('created_by', 'varchar(36)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idx_alerts_site').ifNotExists().on('alerts').column('site_id').execute();
      await db.schema
        .createTable('alert_events')
        .ifNotExists()
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('alert_id', 'varchar(36)', (c) => c.notNull().references('alerts.id').onDelete('cascade'))
        .addColumn('site_id', 'varchar(36)', (c) => c.notNull().references('sites.id').onDelete('cascade'))
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('bucket', 'bigint')
        .addColumn('value', 'double precision')
        .addColumn('expected', 'text')
        .addColumn('message', 'varchar(2000)', (c) => c.notNull())
        .addColumn('deliveries', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idx_alert_events_alert').ifNotExists().on('alert_events').columns(['alert_id', 'created_at']).execute();
      // Scheduled email reports: who gets which site's summary how often, and the last period sent.
      await db.schema
        .createTable('email_reports')
        .ifNotExists()
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('site_id', 'varchar(36)', (c) => c.notNull().references('sites.id').onDelete('cascade'))
        .addColumn('frequency', 'varchar(16)', (c) => c.notNull())
        .addColumn('recipients', 'text', (c) => c.notNull())
        .addColumn('last_period', 'varchar(10)')
        .addColumn('created_by', 'varchar(36)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idx_email_reports_site').ifNotExists().on('email_reports').column('site_id').execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('email_reports').ifExists().execute();
      await db.schema.dropTable('alert_events').ifExists().execute();
      await db.schema.dropTable('alerts').ifExists().execute();
      await db.schema.dropTable('site_shares').ifExists().execute();
      await db.schema.dropTable('annotations').ifExists().execute();
    },
  },
  '0016_privacy': {
    // The audit log (append-only: the repository has no update or delete; rows go with their organization)
    // and data-subject requests with their access archives (privacy/).
    async up(db: AnyDb) {
      await db.schema
        .createTable('audit_log')
        .ifNotExists()
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('org_id', 'varchar(36)', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('action', 'varchar(60)', (c) => c.notNull())
        .addColumn('outcome', 'varchar(10)', (c) => c.notNull())
        .addColumn('actor_type', 'varchar(10)', (c) => c.notNull())
        .addColumn('actor_id', 'varchar(36)')
        .addColumn('actor_label', 'varchar(320)', (c) => c.notNull())
        .addColumn('target_type', 'varchar(40)')
        .addColumn('target_id', 'varchar(64)')
        .addColumn('site_id', 'varchar(36)')
        .addColumn('details', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idx_audit_log_org_at').ifNotExists().on('audit_log').columns(['org_id', 'at', 'id']).execute();
      await db.schema
        .createTable('privacy_requests')
        .ifNotExists()
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('org_id', 'varchar(36)', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('site_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('type', 'varchar(10)', (c) => c.notNull())
        .addColumn('subject_kind', 'varchar(12)', (c) => c.notNull())
        .addColumn('subject_mask', 'varchar(80)', (c) => c.notNull())
        .addColumn('subject_sealed', 'text')
        .addColumn('status', 'varchar(12)', (c) => c.notNull())
        .addColumn('requested_by', 'varchar(320)', (c) => c.notNull())
        .addColumn('requested_at', 'bigint', (c) => c.notNull())
        .addColumn('due_at', 'bigint', (c) => c.notNull())
        .addColumn('started_at', 'bigint')
        .addColumn('completed_at', 'bigint')
        .addColumn('found', 'text')
        .addColumn('removed', 'text')
        .addColumn('error', 'varchar(1000)')
        .addColumn('archive', 'text')
        .execute();
      await db.schema
        .createIndex('idx_privacy_requests_site')
        .ifNotExists()
        .on('privacy_requests')
        .columns(['site_id', 'requested_at'])
        .execute();
      await db.schema.createIndex('idx_privacy_requests_status').ifNotExists().on('privacy_requests').columns(['status']).execute();
      // Consent (docs/consent.md): a site's mode, categories and banner texts; the consent log, one hash chain per site.
      await db.schema
        .createTable('site_consent')
        .ifNotExists()
        .addColumn('site_id', 'varchar(36)', (c) => c.primaryKey().references('sites.id').onDelete('cascade'))
        .addColumn('mode', 'varchar(20)', (c) => c.notNull())
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('consent_log')
        .ifNotExists()
        .addColumn('site_id', 'varchar(36)', (c) => c.notNull().references('sites.id').onDelete('cascade'))
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('subject', 'varchar(64)', (c) => c.notNull())
        .addColumn('categories', 'varchar(200)', (c) => c.notNull())
        .addColumn('text_version', 'varchar(40)', (c) => c.notNull())
        .addColumn('source', 'varchar(20)', (c) => c.notNull())
        .addColumn('prev_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('hash', 'varchar(64)', (c) => c.notNull())
        .addPrimaryKeyConstraint('consent_log_pk', ['site_id', 'seq'])
        .execute();
      // The mode on the site itself too: the collector (and its thread) enforce it from the cached site.
      await db.schema
        .alterTable('sites')
        .addColumn('consent_mode', 'varchar(20)', (c) => c.notNull().defaultTo('none'))
        .execute();
      // Custom domains of an organization (domains/): verified by a DNS TXT record or an HTTP token.
      await db.schema
        .createTable('org_domains')
        .ifNotExists()
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('org_id', 'varchar(36)', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('host', 'varchar(253)', (c) => c.notNull().unique())
        .addColumn('kind', 'varchar(10)', (c) => c.notNull())
        .addColumn('token', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('verified_at', 'bigint')
        .addColumn('method', 'varchar(10)')
        .addColumn('checked_at', 'bigint')
        .addColumn('last_error', 'varchar(300)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      // White-label branding of an organization (JSON of core's orgBrandingSchema).
      await db.schema
        .createTable('org_branding')
        .ifNotExists()
        .addColumn('org_id', 'varchar(36)', (c) => c.primaryKey().references('organizations.id').onDelete('cascade'))
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idx_consent_log_subject').ifNotExists().on('consent_log').columns(['site_id', 'subject']).execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('org_branding').ifExists().execute();
      await db.schema.dropTable('org_domains').ifExists().execute();
      await db.schema.alterTable('sites').dropColumn('consent_mode').execute();
      await db.schema.dropTable('consent_log').ifExists().execute();
      await db.schema.dropTable('site_consent').ifExists().execute();
      await db.schema.dropTable('privacy_requests').ifExists().execute();
      await db.schema.dropTable('audit_log').ifExists().execute();
    },
  },
  '0018_people_privacy': {
    // Traits of people (docs/people.md): the site's trait privacy (e-mail and phone traits stored as keyed
    // hashes) and trait allow-list (JSON string[]; empty = every trait kept), read by the ingest step.
    async up(db: AnyDb) {
      await db.schema
        .alterTable('sites')
        .addColumn('trait_privacy', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('sites')
        .addColumn('trait_allowlist', 'text', (c) => c.notNull().defaultTo('[]'))
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('sites').dropColumn('trait_allowlist').execute();
      await db.schema.alterTable('sites').dropColumn('trait_privacy').execute();
    },
  },
  '0020_tenancy': {
    // Resellers and quotas (tenancy/): an organization may be a reseller (set by the instance's operator,
    // `tidemark org reseller`) with limits for its clients; a client names its reseller. Monthly event
    // limits of any organization (soft warns, hard drops with reason "quota"). A session switched into a
    // client by a reseller's admin names the reseller it came through. The consent log's anchor keeps
    // the hash chain verifiable after retention pruned its oldest entries.
    async up(db: AnyDb) {
      await db.schema.alterTable('organizations').addColumn('parent_org_id', 'varchar(36)').execute();
      await db.schema
        .alterTable('organizations')
        .addColumn('is_reseller', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('organizations').addColumn('max_sub_organizations', 'integer').execute();
      await db.schema.alterTable('organizations').addColumn('max_sites_per_sub_org', 'integer').execute();
      await db.schema.alterTable('organizations').addColumn('max_events_per_sub_org', 'bigint').execute();
      await db.schema.alterTable('organizations').addColumn('events_soft_limit', 'bigint').execute();
      await db.schema.alterTable('organizations').addColumn('events_hard_limit', 'bigint').execute();
      await db.schema.createIndex('idx_organizations_parent').ifNotExists().on('organizations').columns(['parent_org_id']).execute();
      await db.schema.alterTable('sessions').addColumn('via_org_id', 'varchar(36)').execute();
      await db.schema
        .createTable('consent_log_anchors')
        .ifNotExists()
        .addColumn('site_id', 'varchar(36)', (c) => c.primaryKey().references('sites.id').onDelete('cascade'))
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('pruned', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('consent_log_anchors').ifExists().execute();
      await db.schema.alterTable('sessions').dropColumn('via_org_id').execute();
      await db.schema.dropIndex('idx_organizations_parent').ifExists().execute();
      for (const c of [
        'events_hard_limit',
        'events_soft_limit',
        'max_events_per_sub_org',
        'max_sites_per_sub_org',
        'max_sub_organizations',
        'is_reseller',
        'parent_org_id',
      ])
        await db.schema.alterTable('organizations').dropColumn(c).execute();
    },
  },
  '0021_system': {
    // The instance's own operations (docs/operations.md, "System"): each background job's runs and last
    // error, shared by every node (the leader runs them at scale), and threshold alerts on the system
    // itself (channels sealed, as the sites' alerts). No site's data in either.
    async up(db: AnyDb) {
      await db.schema
        .createTable('job_runs')
        .ifNotExists()
        .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('runs', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('failures', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('last_started', 'bigint')
        .addColumn('last_finished', 'bigint')
        .addColumn('last_ok', 'integer')
        .addColumn('last_error', 'varchar(500)')
        .addColumn('last_error_at', 'bigint')
        .execute();
      await db.schema
        .createTable('system_alerts')
        .ifNotExists()
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(100)', (c) => c.notNull())
        .addColumn('metric', 'varchar(32)', (c) => c.notNull())
        .addColumn('threshold', 'double precision', (c) => c.notNull())
        .addColumn('channels_sealed', 'text', (c) => c.notNull())
        .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('state', 'varchar(16)', (c) => c.notNull().defaultTo('ok'))
        .addColumn('last_value', 'double precision')
        .addColumn('last_checked', 'bigint')
        .addColumn('last_change', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      // Custom reports: a saved stats query mailed as a CSV or JSON attachment (null for the summary mail).
      await db.schema.alterTable('email_reports').addColumn('name', 'varchar(100)').execute();
      await db.schema.alterTable('email_reports').addColumn('query', 'text').execute();
      await db.schema.alterTable('email_reports').addColumn('attachment', 'varchar(8)').execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('email_reports').dropColumn('attachment').execute();
      await db.schema.alterTable('email_reports').dropColumn('query').execute();
      await db.schema.alterTable('email_reports').dropColumn('name').execute();
      await db.schema.dropTable('system_alerts').ifExists().execute();
      await db.schema.dropTable('job_runs').ifExists().execute();
    },
  },
  '0024_experiments': {
    // A site's experiments (experiments/); exposures are ordinary events ($exposure), so no event-store table.
    async up(db: AnyDb) {
      await db.schema
        .createTable('experiments')
        .ifNotExists()
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('site_id', 'varchar(36)', (c) => c.notNull().references('sites.id').onDelete('cascade'))
        .addColumn('key', 'varchar(64)', (c) => c.notNull())
        .addColumn('name', 'varchar(100)', (c) => c.notNull())
        .addColumn('variants', 'text', (c) => c.notNull())
        .addColumn('metric', 'text', (c) => c.notNull())
        .addColumn('status', 'varchar(10)', (c) => c.notNull())
        .addColumn('winner', 'varchar(64)')
        .addColumn('started_at', 'bigint')
        .addColumn('stopped_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('idx_experiments_site_key')
        .ifNotExists()
        .unique()
        .on('experiments')
        .columns(['site_id', 'key'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('experiments').ifExists().execute();
    },
  },
  '0025_site_scoring': {
    // Lead-scoring rules per site (scoring/); scores themselves are computed on read from events.
    async up(db: AnyDb) {
      await db.schema
        .createTable('site_scoring')
        .ifNotExists()
        .addColumn('site_id', 'varchar(36)', (c) => c.primaryKey().references('sites.id').onDelete('cascade'))
        .addColumn('rules', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('site_scoring').ifExists().execute();
    },
  },
  '0026_lead_score_models': {
    // Lead-score models (scoring/model.ts): coefficients and held-out metrics only, no person's data;
    // and per site the scoring mode and the goal/horizon the daily retraining uses.
    async up(db: AnyDb) {
      await db.schema
        .createTable('lead_score_models')
        .ifNotExists()
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('site_id', 'varchar(36)', (c) => c.notNull().references('sites.id').onDelete('cascade'))
        .addColumn('goal_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('horizon_days', 'integer', (c) => c.notNull())
        .addColumn('status', 'varchar(10)', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('metrics', 'text')
        .addColumn('model', 'text')
        .addColumn('people', 'text')
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('requested_at', 'bigint', (c) => c.notNull())
        .addColumn('trained_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('idx_lead_score_models_site')
        .ifNotExists()
        .on('lead_score_models')
        .columns(['site_id', 'requested_at'])
        .execute();
      await db.schema
        .createTable('lead_score_settings')
        .ifNotExists()
        .addColumn('site_id', 'varchar(36)', (c) => c.primaryKey().references('sites.id').onDelete('cascade'))
        .addColumn('mode', 'varchar(10)', (c) => c.notNull())
        .addColumn('goal_id', 'varchar(64)')
        .addColumn('horizon_days', 'integer')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('lead_score_settings').ifExists().execute();
      await db.schema.dropTable('lead_score_models').ifExists().execute();
    },
  },
  '0027_segment_models': {
    // A site's behavioural segment model (segments/): centres, scaler, ids and names as JSON, the training's
    // status, and the labels job's watermark. Counts and centres only, nobody's data: not a lifecycle target.
    async up(db: AnyDb) {
      await db.schema
        .createTable('segment_models')
        .ifNotExists()
        .addColumn('site_id', 'varchar(36)', (c) => c.primaryKey().references('sites.id').onDelete('cascade'))
        .addColumn('status', 'varchar(10)', (c) => c.notNull())
        .addColumn('model', 'text')
        .addColumn('k', 'integer')
        .addColumn('silhouette', 'double precision')
        .addColumn('people', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('trained_at', 'bigint')
        .addColumn('error', 'text')
        .addColumn('labels_watermark', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('segment_models').ifExists().execute();
    },
  },
  '0028_lifetime_models': {
    // Churn and lifetime-value models per site (lifetime/): parameters and metrics only; people's numbers are computed on read.
    async up(db: AnyDb) {
      await db.schema
        .createTable('lifetime_models')
        .ifNotExists()
        .addColumn('site_id', 'varchar(36)', (c) => c.primaryKey().references('sites.id').onDelete('cascade'))
        .addColumn('status', 'varchar(20)', (c) => c.notNull())
        .addColumn('params', 'text')
        .addColumn('metrics', 'text')
        .addColumn('error', 'text')
        .addColumn('people', 'integer')
        .addColumn('trained_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('lifetime_models').ifExists().execute();
    },
  },
  '0029_site_connections': {
    // A site's connections to outside providers (destinations/): the token sealed, settings only, gone with the site.
    async up(db: AnyDb) {
      await db.schema
        .createTable('site_connections')
        .ifNotExists()
        .addColumn('site_id', 'varchar(36)', (c) => c.notNull().references('sites.id').onDelete('cascade'))
        .addColumn('provider', 'varchar(16)', (c) => c.notNull())
        .addColumn('base_url', 'varchar(300)')
        .addColumn('token_sealed', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('site_connections_pk', ['site_id', 'provider'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('site_connections').ifExists().execute();
    },
  },
  '0030_triggers': {
    // A site's trigger definitions (triggers/; actions sealed: they hold webhook secrets and Slack URLs), its
    // global cap, and how far the evaluation has read its events. Settings only, no visitor data.
    async up(db: AnyDb) {
      await db.schema
        .createTable('triggers')
        .ifNotExists()
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('site_id', 'varchar(36)', (c) => c.notNull().references('sites.id').onDelete('cascade'))
        .addColumn('name', 'varchar(100)', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('condition', 'text', (c) => c.notNull())
        .addColumn('delay_minutes', 'integer', (c) => c.notNull())
        .addColumn('actions_sealed', 'text', (c) => c.notNull())
        .addColumn('max_frequency', 'text')
        .addColumn('quiet_hours', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idx_triggers_site').ifNotExists().on('triggers').column('site_id').execute();
      await db.schema
        .createTable('trigger_settings')
        .ifNotExists()
        .addColumn('site_id', 'varchar(36)', (c) => c.primaryKey().references('sites.id').onDelete('cascade'))
        .addColumn('global_cap', 'text')
        .addColumn('evaluated_to', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('trigger_settings').ifExists().execute();
      await db.schema.dropTable('triggers').ifExists().execute();
    },
  },
  '0031_trigger_queue': {
    // Every firing with its reason and outcome, and the durable action queue (triggers/). Both hold
    // profile ids: lifecycle duties in triggers/lifecycle.ts, a `derived` target of lifecycle/.
    async up(db: AnyDb) {
      await db.schema
        .createTable('trigger_firings')
        .ifNotExists()
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('site_id', 'varchar(36)', (c) => c.notNull().references('sites.id').onDelete('cascade'))
        .addColumn('trigger_id', 'varchar(36)', (c) => c.notNull().references('triggers.id').onDelete('cascade'))
        .addColumn('profile_id', 'varchar(301)', (c) => c.notNull())
        .addColumn('occurrence_key', 'varchar(500)', (c) => c.notNull().unique())
        .addColumn('session_key', 'varchar(300)', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
        .addColumn('occurred_at', 'bigint', (c) => c.notNull())
        .addColumn('due_at', 'bigint')
        .addColumn('quiet_hours', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('idx_trigger_firings_trigger')
        .ifNotExists()
        .on('trigger_firings')
        .columns(['trigger_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('idx_trigger_firings_person')
        .ifNotExists()
        .on('trigger_firings')
        .columns(['site_id', 'profile_id', 'occurred_at'])
        .execute();
      await db.schema
        .createTable('trigger_actions')
        .ifNotExists()
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('site_id', 'varchar(36)', (c) => c.notNull().references('sites.id').onDelete('cascade'))
        .addColumn('trigger_id', 'varchar(36)', (c) => c.notNull().references('triggers.id').onDelete('cascade'))
        .addColumn('firing_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('idempotency_key', 'varchar(520)', (c) => c.notNull().unique())
        .addColumn('action_index', 'integer', (c) => c.notNull())
        .addColumn('profile_id', 'varchar(301)', (c) => c.notNull())
        .addColumn('context', 'text', (c) => c.notNull())
        .addColumn('status', 'varchar(8)', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('due_at', 'bigint', (c) => c.notNull())
        .addColumn('next_at', 'bigint', (c) => c.notNull())
        .addColumn('claim', 'varchar(36)')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idx_trigger_actions_due').ifNotExists().on('trigger_actions').columns(['status', 'next_at']).execute();
      await db.schema
        .createIndex('idx_trigger_actions_person')
        .ifNotExists()
        .on('trigger_actions')
        .columns(['site_id', 'profile_id'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('trigger_actions').ifExists().execute();
      await db.schema.dropTable('trigger_firings').ifExists().execute();
    },
  },
  '0032_audiences': {
    // Saved audiences (audiences/): definitions, members with a summary of the person as of the last pass,
    // size over time, and membership changes not yet delivered to every sync target. Members and changes
    // hold profile ids and e-mails: audiences/lifecycle.ts keeps DESIGN §8's duties for them.
    async up(db: AnyDb) {
      await db.schema
        .createTable('audiences')
        .ifNotExists()
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('site_id', 'varchar(36)', (c) => c.notNull().references('sites.id').onDelete('cascade'))
        .addColumn('name', 'varchar(100)', (c) => c.notNull())
        .addColumn('definition', 'text', (c) => c.notNull())
        .addColumn('targets_sealed', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('computed_at', 'bigint')
        .addColumn('computed_definition', 'text')
        .addColumn('watermark', 'bigint')
        .addColumn('change_seq', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('sync_status', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idx_audiences_site').ifNotExists().on('audiences').column('site_id').execute();
      await db.schema
        .createTable('audience_members')
        .ifNotExists()
        .addColumn('site_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('audience_id', 'varchar(36)', (c) => c.notNull().references('audiences.id').onDelete('cascade'))
        .addColumn('profile_id', 'varchar(310)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(310)')
        .addColumn('email', 'varchar(320)')
        .addColumn('traits', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('since', 'bigint', (c) => c.notNull())
        .addColumn('last_seen', 'bigint', (c) => c.notNull())
        .addColumn('score', 'integer', (c) => c.notNull())
        .addColumn('revenue', 'double precision', (c) => c.notNull())
        .addPrimaryKeyConstraint('pk_audience_members', ['audience_id', 'profile_id'])
        .execute();
      await db.schema
        .createIndex('idx_audience_members_site_profile')
        .ifNotExists()
        .on('audience_members')
        .columns(['site_id', 'profile_id'])
        .execute();
      await db.schema
        .createTable('audience_sizes')
        .ifNotExists()
        .addColumn('site_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('audience_id', 'varchar(36)', (c) => c.notNull().references('audiences.id').onDelete('cascade'))
        .addColumn('time', 'bigint', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('pk_audience_sizes', ['audience_id', 'time'])
        .execute();
      await db.schema
        .createTable('audience_changes')
        .ifNotExists()
        .addColumn('site_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('audience_id', 'varchar(36)', (c) => c.notNull().references('audiences.id').onDelete('cascade'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('added', 'text', (c) => c.notNull())
        .addColumn('removed', 'text', (c) => c.notNull())
        .addColumn('pending', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('pk_audience_changes', ['audience_id', 'seq'])
        .execute();
    },
    async down(db: AnyDb) {
      for (const t of ['audience_changes', 'audience_sizes', 'audience_members', 'audiences'])
        await db.schema.dropTable(t).ifExists().execute();
    },
  },
};
