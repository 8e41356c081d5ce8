import type { Kysely, Selectable } from 'kysely';
import { goalInputSchema, type Goal, type GoalInput } from '@tidemark/core';
import type { GoalsTable, MetaSchema } from '../schema';
import { newId } from '../ids';

/** A stored row back to a goal; a row that no longer parses (never written so) is left out. */
function toGoal(r: Selectable<GoalsTable>): Goal | null {
  let match: unknown;
  try {
    match = JSON.parse(r.match);
  } catch {
    return null;
  }
  const parsed = goalInputSchema.safeParse({ name: r.name, type: r.type, match, value: r.value });
  if (!parsed.success) return null;
  return {
    id: r.id,
    site_id: r.site_id,
    name: parsed.data.name,
    type: parsed.data.type,
    match: parsed.data.match,
    value: r.value === null ? null : Number(r.value),
    created_at: new Date(Number(r.created_at)).toISOString(),
    updated_at: new Date(Number(r.updated_at)).toISOString(),
  } as Goal;
}

/** A site's goals. Callers check the site belongs to the caller's organization; every query names the site. */
export class GoalRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  async list(siteId: string): Promise<Goal[]> {
    const rows = await this.db.selectFrom('goals').selectAll().where('site_id', '=', siteId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toGoal).filter((g): g is Goal => g !== null);
  }

  async count(siteId: string): Promise<number> {
    const r = await this.db
      .selectFrom('goals')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('site_id', '=', siteId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async get(siteId: string, goalId: string): Promise<Goal | null> {
    const r = await this.db.selectFrom('goals').selectAll().where('site_id', '=', siteId).where('id', '=', goalId).executeTakeFirst();
    return r ? toGoal(r) : null;
  }

  async create(siteId: string, input: GoalInput, now = Date.now()): Promise<Goal> {
    const id = newId();
    await this.db
      .insertInto('goals')
      .values({
        id,
        site_id: siteId,
        name: input.name,
        type: input.type,
        match: JSON.stringify(input.match),
        value: input.value ?? null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return (await this.get(siteId, id))!;
  }

  /** Replaces the definition (the caller merged and validated it); null when the goal is not the site's. */
  async update(siteId: string, goalId: string, input: GoalInput, now = Date.now()): Promise<Goal | null> {
    const r = await this.db
      .updateTable('goals')
      .set({ name: input.name, type: input.type, match: JSON.stringify(input.match), value: input.value ?? null, updated_at: now })
      .where('site_id', '=', siteId)
      .where('id', '=', goalId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0 ? this.get(siteId, goalId) : null;
  }

  async delete(siteId: string, goalId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('goals').where('site_id', '=', siteId).where('id', '=', goalId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
