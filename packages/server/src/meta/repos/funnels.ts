import type { Kysely, Selectable } from 'kysely';
import type { Funnel, FunnelInput, FunnelPatch, FunnelScope, FunnelStep, FunnelWindow } from '@tidemark/core';
import type { FunnelsTable, MetaSchema } from '../schema';
import { newId } from '../ids';

/** A site has at most this many funnels (a listing stays one small read). */
export const MAX_FUNNELS_PER_SITE = 100;

const toFunnel = (r: Selectable<FunnelsTable>): Funnel => ({
  id: r.id,
  site_id: r.site_id,
  name: r.name,
  steps: JSON.parse(r.steps) as FunnelStep[],
  scope: r.scope as FunnelScope,
  window:
    r.window_value === null || r.window_unit === null ? null : ({ value: Number(r.window_value), unit: r.window_unit } as FunnelWindow),
  created_at: new Date(Number(r.created_at)).toISOString(),
  updated_at: new Date(Number(r.updated_at)).toISOString(),
});

/** Funnel definitions, always read and written through their site (callers check access to the site first). */
export class FunnelRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  async listBySite(siteId: string): Promise<Funnel[]> {
    const rows = await this.db
      .selectFrom('funnels')
      .selectAll()
      .where('site_id', '=', siteId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toFunnel);
  }

  async countBySite(siteId: string): Promise<number> {
    const r = await this.db
      .selectFrom('funnels')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('site_id', '=', siteId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** The funnel when it belongs to `siteId`; null otherwise (so another site's id never leaks). */
  async byId(siteId: string, id: string): Promise<Funnel | null> {
    const r = await this.db.selectFrom('funnels').selectAll().where('id', '=', id).where('site_id', '=', siteId).executeTakeFirst();
    return r ? toFunnel(r) : null;
  }

  async create(siteId: string, input: FunnelInput, createdBy: string | null, now = Date.now()): Promise<Funnel> {
    const row = {
      id: newId(),
      site_id: siteId,
      name: input.name,
      steps: JSON.stringify(input.steps),
      scope: input.scope ?? 'session',
      window_value: input.window?.value ?? null,
      window_unit: input.window?.unit ?? null,
      created_by: createdBy,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('funnels').values(row).execute();
    return toFunnel(row);
  }

  async update(siteId: string, id: string, patch: FunnelPatch, now = Date.now()): Promise<Funnel | null> {
    const set: Partial<FunnelsTable> = { updated_at: now };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.steps !== undefined) set.steps = JSON.stringify(patch.steps);
    if (patch.scope !== undefined) set.scope = patch.scope;
    if (patch.window !== undefined) {
      set.window_value = patch.window?.value ?? null;
      set.window_unit = patch.window?.unit ?? null;
    }
    await this.db.updateTable('funnels').set(set).where('id', '=', id).where('site_id', '=', siteId).execute();
    return this.byId(siteId, id);
  }

  async delete(siteId: string, id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('funnels').where('id', '=', id).where('site_id', '=', siteId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
