import {
  maxFrequencySchema,
  notFound,
  parseInput,
  quietHoursSchema,
  triggerConditionSchema,
  triggerInputSchema,
  triggerSettingsSchema,
  badRequest,
  type Trigger,
  type TriggerActionInput,
  type TriggerActionView,
  type TriggerDefinition,
  type TriggerSettings,
} from '@tidemark/core';
import type { ActionSpec } from '../destinations';
import crypto from 'node:crypto';
import type { MetaStore } from '../meta';
import type { ServerKeys } from '../secrets';
import { num, triggerDb, type TriggerDb, type TriggerTables } from './tables';

const SEAL = 'trigger-actions';
export const MAX_TRIGGERS_PER_SITE = 100;

/** A stored trigger with its actions opened (secrets included): for the evaluation and delivery only. */
export interface StoredTrigger extends Omit<Trigger, 'actions'> {
  actions: ActionSpec[];
}

/** What the API shows of an action: never a secret, only whether one is set. */
export function actionView(a: ActionSpec): TriggerActionView {
  if (a.type === 'webhook') return { type: 'webhook', url: a.url, secret_set: !!a.secret };
  if (a.type === 'slack') return { type: 'slack', webhook_url_set: !!a.webhook_url, text: a.text };
  return a;
}

export const viewOf = (t: StoredTrigger): Trigger => ({ ...t, actions: t.actions.map(actionView) });

/**
 * A site's trigger definitions and settings (meta `triggers`, `trigger_settings`). Actions are stored
 * sealed as one JSON (they hold webhook secrets and Slack URLs).
 */
export class TriggerDefinitions {
  readonly db: TriggerDb;

  constructor(
    meta: Pick<MetaStore, 'db'>,
    private readonly keys: ServerKeys,
    private readonly now: () => number = Date.now,
  ) {
    this.db = triggerDb(meta);
  }

  private toStored(r: TriggerTables['triggers']): StoredTrigger | null {
    const opened = this.keys.open(SEAL, r.actions_sealed);
    const condition = triggerConditionSchema.safeParse(JSON.parse(r.condition));
    if (opened === null || !condition.success) return null;
    return {
      id: r.id,
      site_id: r.site_id,
      name: r.name,
      enabled: num(r.enabled) === 1,
      condition: condition.data,
      delay_minutes: num(r.delay_minutes),
      actions: JSON.parse(opened) as ActionSpec[],
      max_frequency: r.max_frequency === null ? null : maxFrequencySchema.parse(JSON.parse(r.max_frequency)),
      quiet_hours: r.quiet_hours === null ? null : quietHoursSchema.parse(JSON.parse(r.quiet_hours)),
      created_at: num(r.created_at),
      updated_at: num(r.updated_at),
    };
  }

  async list(siteId: string): Promise<StoredTrigger[]> {
    const rows = await this.db
      .selectFrom('triggers')
      .selectAll()
      .where('site_id', '=', siteId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => this.toStored(r)).filter((t): t is StoredTrigger => t !== null);
  }

  /** Sites with at least one enabled trigger. */
  async activeSites(): Promise<string[]> {
    const rows = await this.db.selectFrom('triggers').select('site_id').where('enabled', '=', 1).distinct().execute();
    return rows.map((r) => r.site_id);
  }

  async get(siteId: string, id: unknown): Promise<StoredTrigger> {
    const row =
      typeof id === 'string' && id.length <= 36
        ? await this.db.selectFrom('triggers').selectAll().where('site_id', '=', siteId).where('id', '=', id).executeTakeFirst()
        : undefined;
    const t = row ? this.toStored(row) : null;
    if (!t) throw notFound('Trigger');
    return t;
  }

  /** Validates a definition; `previous` actions lend their secrets to actions that leave them out. */
  parse(body: unknown, previous: ActionSpec[] = []): TriggerDefinition & { actions: ActionSpec[] } {
    const def = parseInput(triggerInputSchema, body ?? {});
    return { ...def, actions: def.actions.map((a, i) => withSecret(a, previous[i])) };
  }

  async create(siteId: string, body: unknown): Promise<StoredTrigger> {
    const def = this.parse(body);
    const count = await this.db
      .selectFrom('triggers')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('site_id', '=', siteId)
      .executeTakeFirst();
    if (num(count?.n) >= MAX_TRIGGERS_PER_SITE)
      throw badRequest('too_many_triggers', `A site has at most ${MAX_TRIGGERS_PER_SITE} triggers`);
    const now = this.now();
    const id = crypto.randomUUID();
    await this.db
      .insertInto('triggers')
      .values({ id, site_id: siteId, ...this.columns(def), created_at: now, updated_at: now })
      .execute();
    return this.get(siteId, id);
  }

  async update(siteId: string, id: unknown, body: unknown): Promise<StoredTrigger> {
    const old = await this.get(siteId, id);
    const def = this.parse(body, old.actions);
    await this.db
      .updateTable('triggers')
      .set({ ...this.columns(def), updated_at: this.now() })
      .where('site_id', '=', siteId)
      .where('id', '=', old.id)
      .execute();
    return this.get(siteId, old.id);
  }

  async remove(siteId: string, id: unknown): Promise<StoredTrigger> {
    const old = await this.get(siteId, id);
    await this.db.deleteFrom('triggers').where('site_id', '=', siteId).where('id', '=', old.id).execute();
    return old;
  }

  private columns(def: TriggerDefinition & { actions: ActionSpec[] }) {
    return {
      name: def.name,
      enabled: def.enabled ? 1 : 0,
      condition: JSON.stringify(def.condition),
      delay_minutes: def.delay_minutes,
      actions_sealed: this.keys.seal(SEAL, JSON.stringify(def.actions)),
      max_frequency: def.max_frequency === null ? null : JSON.stringify(def.max_frequency),
      quiet_hours: def.quiet_hours === null ? null : JSON.stringify(def.quiet_hours),
    };
  }

  async settings(siteId: string): Promise<TriggerSettings> {
    const r = await this.db.selectFrom('trigger_settings').select('global_cap').where('site_id', '=', siteId).executeTakeFirst();
    const parsed = r?.global_cap ? triggerSettingsSchema.safeParse({ global_cap: JSON.parse(r.global_cap) }) : null;
    return parsed?.success ? parsed.data : { global_cap: null };
  }

  async setSettings(siteId: string, body: unknown): Promise<TriggerSettings> {
    const s = parseInput(triggerSettingsSchema, body ?? {});
    const global_cap = s.global_cap === null ? null : JSON.stringify(s.global_cap);
    const now = this.now();
    await this.db
      .insertInto('trigger_settings')
      .values({ site_id: siteId, global_cap, evaluated_to: null, updated_at: now })
      .onConflict((oc) => oc.column('site_id').doUpdateSet({ global_cap, updated_at: now }))
      .execute();
    return s;
  }

  /** How far the evaluation has read the site's events; null before its first pass. */
  async watermark(siteId: string): Promise<number | null> {
    const r = await this.db.selectFrom('trigger_settings').select('evaluated_to').where('site_id', '=', siteId).executeTakeFirst();
    return r?.evaluated_to === null || r?.evaluated_to === undefined ? null : num(r.evaluated_to);
  }

  async setWatermark(siteId: string, ms: number): Promise<void> {
    const now = this.now();
    await this.db
      .insertInto('trigger_settings')
      .values({ site_id: siteId, global_cap: null, evaluated_to: ms, updated_at: now })
      .onConflict((oc) => oc.column('site_id').doUpdateSet({ evaluated_to: ms, updated_at: now }))
      .execute();
  }
}

/** An edited action keeps the stored secret of the action it replaces (same place, same type) when it leaves it out. */
function withSecret(a: TriggerActionInput, prev: ActionSpec | undefined): ActionSpec {
  if (a.type === 'webhook') {
    const secret = a.secret === undefined ? (prev?.type === 'webhook' ? (prev.secret ?? null) : null) : a.secret;
    return { type: 'webhook', url: a.url, secret };
  }
  if (a.type === 'slack') {
    const url = a.webhook_url ?? (prev?.type === 'slack' ? prev.webhook_url : undefined);
    if (!url) throw badRequest('validation_error', 'actions: a Slack action needs webhook_url');
    return { type: 'slack', webhook_url: url, text: a.text };
  }
  return a;
}
