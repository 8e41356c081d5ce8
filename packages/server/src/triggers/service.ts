import {
  firingPageParamsSchema,
  parseInput,
  FIRING_OUTCOMES,
  badRequest,
  notFound,
  type DeadLetter,
  type GoalDefinition,
  type FiringOutcome,
  type Trigger,
  type TriggerFiringPage,
  type TriggerSettings,
  type TriggerDryRun,
} from '@tidemark/core';
import type { ActionPerson, DestinationsApi } from '../destinations';
import type { MetaStore } from '../meta';
import type { ServerKeys } from '../secrets';
import type { ProfileScorer, StatsService, StatsSite } from '../stats';
import type { EventStore } from '../store';
import { ScoringService } from '../scoring';
import { TriggerDefinitions, viewOf } from './definitions';
import { deliverDue, evaluateSite, type DeliverSummary, type EngineOptions, type PassSummary, type SiteForTriggers } from './engine';
import { dryRun } from './dry-run';
import { goalMatcher, type FinderDeps } from './occurrences';
import { num, numOrNull } from './tables';

export interface TriggerServiceDeps {
  meta: MetaStore;
  events: Pick<EventStore, 'query' | 'dialect'>;
  stats: Pick<StatsService, 'profile' | 'profileScores'>;
  keys: ServerKeys;
  destinations: DestinationsApi;
  /** The scorer the profile read model applies (score, and the segment where a model exists); default: the site's scoring rules. */
  scorer?: (site: StatsSite) => Promise<ProfileScorer>;
  now?: () => number;
  options?: EngineOptions;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Triggers of a site (docs/triggers.md): definitions, the evaluation pass, the action queue, the firing log and dry runs. */
export class TriggerService {
  readonly defs: TriggerDefinitions;
  private readonly now: () => number;
  private readonly scoring: ScoringService;

  constructor(private readonly deps: TriggerServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.defs = new TriggerDefinitions(deps.meta, deps.keys, this.now);
    this.scoring = new ScoringService(deps.meta, this.now);
  }

  private async site(siteId: string): Promise<SiteForTriggers & StatsSite> {
    const s = await this.deps.meta.sites.byId(siteId);
    if (!s) throw notFound('Site');
    const goals = await this.deps.meta.goals.list(siteId);
    return {
      id: s.id,
      timezone: s.timezone,
      consent_mode: s.consent_mode ?? 'none',
      goals: goals.map((g) => ({ id: g.id, name: g.name, type: g.type, match: g.match }) as GoalDefinition),
    };
  }

  private scorer(site: StatsSite): Promise<ProfileScorer> {
    return this.deps.scorer ? this.deps.scorer(site) : this.scoring.scorer(site);
  }

  private finder(site: StatsSite): FinderDeps {
    return {
      events: this.deps.events,
      // One batched read of the read model: the same score and segment as each profile's own read.
      profiles: async (pids) => this.deps.stats.profileScores(site, pids, await this.scorer(site)),
    };
  }

  async list(siteId: string): Promise<Trigger[]> {
    return (await this.defs.list(siteId)).map(viewOf);
  }
  async get(siteId: string, id: unknown): Promise<Trigger> {
    return viewOf(await this.defs.get(siteId, id));
  }
  async create(siteId: string, body: unknown): Promise<Trigger> {
    await this.checkGoal(siteId, body);
    return viewOf(await this.defs.create(siteId, body));
  }
  async update(siteId: string, id: unknown, body: unknown): Promise<Trigger> {
    await this.checkGoal(siteId, body);
    return viewOf(await this.defs.update(siteId, id, body));
  }
  async remove(siteId: string, id: unknown): Promise<Trigger> {
    return viewOf(await this.defs.remove(siteId, id));
  }
  settings(siteId: string): Promise<TriggerSettings> {
    return this.defs.settings(siteId);
  }
  setSettings(siteId: string, body: unknown): Promise<TriggerSettings> {
    return this.defs.setSettings(siteId, body);
  }

  /** A goal condition names a goal of this site completed by one event. */
  private async checkGoal(siteId: string, body: unknown): Promise<void> {
    const c = (body as { condition?: { type?: unknown; goal_id?: unknown } } | null)?.condition;
    if (c?.type !== 'goal_not_completed' || typeof c.goal_id !== 'string') return;
    goalMatcher((await this.site(siteId)).goals, c.goal_id);
  }

  /** One pass over every site with an enabled trigger. */
  async evaluateAll(onError: (err: unknown) => void = () => {}): Promise<PassSummary> {
    const summary: PassSummary = { sites: 0, occurrences: 0, queued: 0, skipped: 0 };
    for (const siteId of await this.defs.activeSites()) {
      try {
        const r = await this.evaluate(siteId);
        summary.sites++;
        summary.occurrences += r.occurrences;
        summary.queued += r.queued;
        summary.skipped += r.skipped;
      } catch (err) {
        onError(err);
      }
    }
    return summary;
  }

  async evaluate(siteId: string) {
    const site = await this.site(siteId);
    return evaluateSite({ defs: this.defs, finder: this.finder(site), now: this.now(), opts: this.deps.options ?? {} }, site);
  }

  deliverDue(limit?: number): Promise<DeliverSummary> {
    return deliverDue(
      {
        db: this.defs.db,
        defs: this.defs,
        destinations: this.deps.destinations,
        person: (siteId, pid) => this.person(siteId, pid),
        now: this.now,
        opts: this.deps.options ?? {},
      },
      limit,
    );
  }

  /** The person as an action sees them: latest traits, a plain e-mail trait when the site keeps one. */
  async person(siteId: string, pid: string): Promise<ActionPerson> {
    const site = await this.site(siteId);
    const traits: ActionPerson['traits'] = {};
    try {
      const p = await this.deps.stats.profile(site, pid, await this.scorer(site));
      for (const t of p.traits) traits[t.key] = t.value;
    } catch {
      // No events left for the profile (erased meanwhile): an action without traits.
    }
    const email = typeof traits.email === 'string' && EMAIL.test(traits.email) ? traits.email : null;
    return { site_id: siteId, profile_id: pid, user_id: pid.startsWith('u') ? pid.slice(1) : null, email, traits };
  }

  async firings(siteId: string, triggerId: unknown, query: unknown): Promise<TriggerFiringPage> {
    const t = await this.defs.get(siteId, triggerId);
    const { limit, offset } = parseInput(firingPageParamsSchema, query ?? {}, 'invalid_parameter');
    const base = this.defs.db.selectFrom('trigger_firings').where('site_id', '=', siteId).where('trigger_id', '=', t.id);
    const [rows, total] = await Promise.all([
      base.selectAll().orderBy('created_at', 'desc').orderBy('occurred_at', 'desc').orderBy('id').limit(limit).offset(offset).execute(),
      base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst(),
    ]);
    return {
      firings: rows.map((r) => ({
        id: r.id,
        trigger_id: r.trigger_id,
        profile_id: r.profile_id,
        reason: r.reason,
        outcome: (FIRING_OUTCOMES as readonly string[]).includes(r.outcome) ? (r.outcome as FiringOutcome) : 'queued',
        occurred_at: num(r.occurred_at),
        due_at: numOrNull(r.due_at),
        quiet_hours: num(r.quiet_hours) === 1,
        created_at: num(r.created_at),
      })),
      total: num(total?.n),
      limit,
      offset,
    };
  }

  async deadLetters(siteId: string): Promise<{ dead_letters: DeadLetter[] }> {
    const triggers = new Map((await this.defs.list(siteId)).map((t) => [t.id, t]));
    const rows = await this.defs.db
      .selectFrom('trigger_actions')
      .selectAll()
      .where('site_id', '=', siteId)
      .where('status', '=', 'dead')
      .orderBy('updated_at', 'desc')
      .limit(500)
      .execute();
    return {
      dead_letters: rows.map((r) => ({
        id: r.id,
        trigger_id: r.trigger_id,
        profile_id: r.profile_id,
        action_type: triggers.get(r.trigger_id)?.actions[num(r.action_index)]?.type ?? 'unknown',
        attempts: num(r.attempts),
        last_error: r.last_error,
        due_at: num(r.due_at),
        updated_at: num(r.updated_at),
      })),
    };
  }

  /** A dead letter pending again, now, with its attempts reset (its idempotency key stays). */
  async retryDead(siteId: string, id: unknown): Promise<{ retried: true }> {
    const r = await this.deadRow(siteId, id);
    const now = this.now();
    await this.defs.db
      .updateTable('trigger_actions')
      .set({ status: 'pending', attempts: 0, next_at: now, claim: null, updated_at: now })
      .where('id', '=', r)
      .where('status', '=', 'dead')
      .execute();
    return { retried: true };
  }

  async discardDead(siteId: string, id: unknown): Promise<{ discarded: true }> {
    const r = await this.deadRow(siteId, id);
    await this.defs.db.deleteFrom('trigger_actions').where('id', '=', r).where('status', '=', 'dead').execute();
    return { discarded: true };
  }

  private async deadRow(siteId: string, id: unknown): Promise<string> {
    if (typeof id !== 'string' || id.length > 36) throw notFound('Dead letter');
    const r = await this.defs.db
      .selectFrom('trigger_actions')
      .select('id')
      .where('site_id', '=', siteId)
      .where('id', '=', id)
      .where('status', '=', 'dead')
      .executeTakeFirst();
    if (!r) throw notFound('Dead letter');
    return r.id;
  }

  /** What a definition would have done over the last 7 days; nothing is stored or sent. */
  async dryRun(siteId: string, body: unknown): Promise<TriggerDryRun> {
    const site = await this.site(siteId);
    const def = this.defs.parse(body);
    if (def.condition.type === 'goal_not_completed') goalMatcher(site.goals, def.condition.goal_id);
    if (def.actions.length === 0) throw badRequest('validation_error', 'actions: at least one');
    return dryRun(this.finder(site), site, def, await this.defs.settings(siteId), this.now());
  }
}
