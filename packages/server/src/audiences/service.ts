import crypto from 'node:crypto';
import {
  audienceDefinitionSchema,
  audienceInputSchema,
  audienceMembersParamsSchema,
  audiencePatchSchema,
  audienceSizesParamsSchema,
  conflict,
  notFound,
  parseInput,
  type Audience,
  type AudienceMember,
  type AudienceMemberList,
  type AudienceRefresh,
  type AudienceSizes,
  type AudienceTarget,
  type AudienceTargetsInput,
} from '@tidemark/core';
import type { MetaStore } from '../meta';
import { newShareToken } from '../meta';
import { ScoringService } from '../scoring';
import { parseQueryParams, type ProfileScorer, type StatsService, type StatsSite } from '../stats';
import type { ServerKeys } from '../secrets';
import type { DestinationsApi } from '../destinations';
import { personOf, planPass } from './pass';
import { AudienceStore, MAX_AUDIENCES_PER_SITE, type AudienceRecord, type MemberRecord } from './store';
import { syncChanges, type StoredTargets, type SyncStatus, configuredTargets } from './sync';
import { checkedFilters } from './filters';

const SEAL = 'audience-targets';

export interface AudienceServiceOptions {
  meta: MetaStore;
  stats: StatsService;
  keys: ServerKeys;
  /** Outgoing syncs (destinations/); null: changes wait, with the reason as the sync's error. */
  destinations: DestinationsApi | null;
  /** The scorer passes use (segments/ `siteProfileScorer`, so profiles carry their segment); default: the site's scoring alone. */
  scorer?: (site: StatsSite) => Promise<ProfileScorer>;
  now?: () => number;
}

/** Saved audiences: definitions, membership kept up to date by passes, size history, member export, syncs. */
export class AudienceService {
  readonly store: AudienceStore;
  private readonly scoring: ScoringService;
  private readonly now: () => number;
  /** One pass per audience at a time (the job and a refresh request may meet). */
  private readonly running = new Map<string, Promise<AudienceRefresh>>();

  constructor(private readonly opts: AudienceServiceOptions) {
    this.store = new AudienceStore(opts.meta);
    this.now = opts.now ?? Date.now;
    this.scoring = new ScoringService(opts.meta, this.now);
  }

  async list(siteId: string): Promise<Audience[]> {
    return Promise.all((await this.store.list(siteId)).map((r) => this.shown(r)));
  }

  async get(siteId: string, id: string): Promise<Audience> {
    return this.shown(await this.record(siteId, id));
  }

  async create(siteId: string, body: unknown): Promise<Audience> {
    const input = parseInput(audienceInputSchema, body ?? {});
    checkedFilters(input.definition);
    if ((await this.store.list(siteId)).length >= MAX_AUDIENCES_PER_SITE)
      throw conflict('too_many_audiences', `A site has at most ${MAX_AUDIENCES_PER_SITE} audiences`);
    const targets = this.targetsFrom(input.targets, null);
    const now = this.now();
    const row: AudienceRecord = {
      id: crypto.randomUUID(),
      site_id: siteId,
      name: input.name,
      definition: JSON.stringify(input.definition),
      targets_sealed: this.seal(targets),
      size: 0,
      computed_at: null,
      computed_definition: null,
      watermark: null,
      change_seq: 0,
      last_error: null,
      sync_status: '{}',
      created_at: now,
      updated_at: now,
    };
    await this.store.insert(row);
    return this.shown(row, true);
  }

  async update(siteId: string, id: string, body: unknown): Promise<Audience> {
    const patch = parseInput(audiencePatchSchema, body ?? {});
    const cur = await this.record(siteId, id);
    const set: Partial<AudienceRecord> = { updated_at: this.now() };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.definition !== undefined) {
      checkedFilters(patch.definition);
      set.definition = JSON.stringify(patch.definition);
    }
    let secretShown = false;
    let fresh: AudienceTarget[] = [];
    if (patch.targets !== undefined) {
      const before = this.open(cur.targets_sealed);
      const next = this.targetsFrom(patch.targets, before);
      secretShown = next.webhook !== null && next.webhook.secret !== before.webhook?.secret;
      set.targets_sealed = this.seal(next);
      fresh = newTargets(before, next);
    }
    await this.store.update(siteId, id, set);
    // A new target (or a new list or URL) gets the current members as its first change.
    const members = fresh.length ? await this.store.members(siteId, id) : [];
    if (members.length)
      await this.store.appendChange(siteId, id, this.now(), {
        added: JSON.stringify(members.map(personOf)),
        removed: '[]',
        pending: JSON.stringify(fresh),
      });
    return this.shown(await this.record(siteId, id), secretShown);
  }

  async delete(siteId: string, id: string): Promise<void> {
    if (!(await this.store.delete(siteId, id))) throw notFound('Audience');
  }

  async members(siteId: string, id: string, query: unknown): Promise<AudienceMemberList> {
    await this.record(siteId, id);
    const q = parseQueryParams(audienceMembersParamsSchema, query);
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    const page = await this.store.memberPage(siteId, id, limit, offset);
    return { members: page.rows.map(shownMember), total: page.total, limit, offset };
  }

  async sizes(siteId: string, id: string, query: unknown): Promise<AudienceSizes> {
    await this.record(siteId, id);
    const days = parseQueryParams(audienceSizesParamsSchema, query).days ?? 90;
    return { points: await this.store.sizes(siteId, id, this.now() - days * 86_400_000) };
  }

  /** Every member, in batches (the CSV export); throws before the first batch when the audience is not the site's. */
  async memberBatches(siteId: string, id: string): Promise<AsyncGenerator<MemberRecord[]>> {
    await this.record(siteId, id);
    return this.store.memberBatches(siteId, id);
  }

  /** One pass now: membership, a size point, the change's sync (and earlier failed ones). */
  refresh(site: StatsSite, id: string): Promise<AudienceRefresh> {
    const key = `${site.id}/${id}`;
    const running = this.running.get(key);
    if (running) return running;
    const p = this.pass(site, id).finally(() => this.running.delete(key));
    this.running.set(key, p);
    return p;
  }

  private async pass(site: StatsSite, id: string): Promise<AudienceRefresh> {
    const a = await this.record(site.id, id);
    const at = this.now();
    try {
      const plan = await planPass({
        stats: this.opts.stats,
        store: this.store,
        site,
        audience: a,
        targets: configuredTargets(this.open(a.targets_sealed)),
        scorer: await this.scorerFor(site),
        at,
      });
      const seq = await this.store.writePass(plan);
      if (seq === null) throw notFound('Audience');
      const synced = await this.sync(site.id, id);
      return { joined: plan.joins.length, left: plan.leaves.length, size: plan.size, synced };
    } catch (err) {
      await this.store.update(site.id, id, { last_error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
  }

  /** Delivers the audience's pending changes in order; true when none is left. */
  async sync(siteId: string, id: string): Promise<boolean> {
    const a = await this.record(siteId, id);
    const status = JSON.parse(a.sync_status || '{}') as SyncStatus;
    const left = await syncChanges({
      store: this.store,
      audience: { id, site_id: siteId, name: a.name },
      targets: this.open(a.targets_sealed),
      status,
      destinations: this.opts.destinations,
      now: this.now,
    });
    await this.store.update(siteId, id, { sync_status: JSON.stringify(status) });
    return left === 0;
  }

  /** A pass over every audience of every site (the job); failures are recorded on the audience and counted. */
  async refreshAll(
    sites: (siteId: string) => Promise<StatsSite | null>,
    onError: (err: unknown) => void,
  ): Promise<{ passes: number; failed: number }> {
    let passes = 0;
    let failed = 0;
    for (const a of await this.store.listAll()) {
      const site = await sites(a.site_id);
      if (!site) continue;
      try {
        await this.refresh(site, a.id);
        passes += 1;
      } catch (err) {
        failed += 1;
        onError(err);
      }
    }
    return { passes, failed };
  }

  private scorerFor(site: StatsSite): Promise<ProfileScorer> {
    return this.opts.scorer ? this.opts.scorer(site) : this.scoring.scorer(site);
  }

  private async record(siteId: string, id: string): Promise<AudienceRecord> {
    const r = typeof id === 'string' && id.length <= 64 ? await this.store.get(siteId, id) : null;
    if (!r) throw notFound('Audience');
    return r;
  }

  private async shown(r: AudienceRecord, withSecret = false): Promise<Audience> {
    const targets = this.open(r.targets_sealed);
    const status = JSON.parse(r.sync_status || '{}') as SyncStatus;
    const changes = await this.store.changes(r.site_id, r.id);
    return {
      id: r.id,
      site_id: r.site_id,
      name: r.name,
      definition: audienceDefinitionSchema.parse(JSON.parse(r.definition)),
      targets: {
        webhook: targets.webhook ? { url: targets.webhook.url, ...(withSecret ? { secret: targets.webhook.secret } : {}) } : null,
        hubspot_list_id: targets.hubspot_list_id,
        klaviyo_list_id: targets.klaviyo_list_id,
      },
      size: r.size,
      computed_at: r.computed_at,
      last_error: r.last_error,
      sync: configuredTargets(targets).map((t) => ({
        target: t,
        pending_changes: changes.filter((c) => (JSON.parse(c.pending) as string[]).includes(t)).length,
        last_ok_at: status[t]?.last_ok_at ?? null,
        last_error: status[t]?.last_error ?? null,
        last_error_at: status[t]?.last_error_at ?? null,
      })),
      created_at: r.created_at,
      updated_at: r.updated_at,
    };
  }

  private targetsFrom(input: AudienceTargetsInput, before: StoredTargets | null): StoredTargets {
    const webhook =
      input.webhook === undefined
        ? (before?.webhook ?? null)
        : input.webhook === null
          ? null
          : {
              url: input.webhook.url,
              // A kept URL keeps its secret unless a new one is given.
              secret: input.webhook.secret ?? (before?.webhook?.url === input.webhook.url ? before.webhook.secret : newShareToken()),
            };
    return {
      webhook,
      hubspot_list_id: input.hubspot_list_id === undefined ? (before?.hubspot_list_id ?? null) : input.hubspot_list_id,
      klaviyo_list_id: input.klaviyo_list_id === undefined ? (before?.klaviyo_list_id ?? null) : input.klaviyo_list_id,
    };
  }

  private seal(t: StoredTargets): string {
    return this.opts.keys.seal(SEAL, JSON.stringify(t));
  }

  private open(sealed: string): StoredTargets {
    const opened = this.opts.keys.open(SEAL, sealed);
    return opened ? (JSON.parse(opened) as StoredTargets) : { webhook: null, hubspot_list_id: null, klaviyo_list_id: null };
  }
}

/** Targets configured in `next` that `before` did not have, or had with another list id or URL. */
function newTargets(before: StoredTargets, next: StoredTargets): AudienceTarget[] {
  return configuredTargets(next).filter((t) =>
    t === 'webhook'
      ? before.webhook?.url !== next.webhook?.url
      : t === 'hubspot'
        ? before.hubspot_list_id !== next.hubspot_list_id
        : before.klaviyo_list_id !== next.klaviyo_list_id,
  );
}

function shownMember(m: MemberRecord): AudienceMember {
  return {
    profile_id: m.profile_id,
    user_id: m.user_id,
    email: m.email,
    since: m.since,
    last_seen: m.last_seen,
    score: m.score,
    revenue: m.revenue,
  };
}
