import { sql, type Kysely, type Selectable } from 'kysely';
import type { JobRunsTable, MetaSchema } from '../schema';

export type JobRunRow = Selectable<JobRunsTable>;

const empty = (name: string): JobRunRow => ({
  name,
  runs: 0,
  failures: 0,
  last_started: null,
  last_finished: null,
  last_ok: null,
  last_error: null,
  last_error_at: null,
});

/** Each background job's run count, last run and last error; one row per job name, shared by every node. */
export class JobRunRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  list(): Promise<JobRunRow[]> {
    return this.db.selectFrom('job_runs').selectAll().orderBy('name').execute();
  }

  async started(name: string, at: number): Promise<void> {
    await this.db
      .insertInto('job_runs')
      .values({ ...empty(name), last_started: at })
      .onConflict((oc) => oc.column('name').doUpdateSet({ last_started: at }))
      .execute();
  }

  /** A run ended: counted, and its outcome kept (the error's message only, cut short). */
  async finished(name: string, at: number, error: string | null): Promise<void> {
    const failed = error === null ? 0 : 1;
    const message = error === null ? null : error.slice(0, 500);
    await this.db
      .insertInto('job_runs')
      .values({
        ...empty(name),
        runs: 1,
        failures: failed,
        last_finished: at,
        last_ok: failed ? 0 : 1,
        last_error: message,
        last_error_at: failed ? at : null,
      })
      .onConflict((oc) =>
        oc.column('name').doUpdateSet({
          runs: sql`job_runs.runs + 1`,
          failures: sql`job_runs.failures + ${failed}`,
          last_finished: at,
          last_ok: failed ? 0 : 1,
          ...(failed ? { last_error: message, last_error_at: at } : {}),
        }),
      )
      .execute();
  }

  /** A failure reported outside a wrapped run: the failure and its error, not a run. */
  async failedOnly(name: string, at: number, error: string): Promise<void> {
    const message = error.slice(0, 500);
    await this.db
      .insertInto('job_runs')
      .values({ ...empty(name), failures: 1, last_error: message, last_error_at: at })
      .onConflict((oc) => oc.column('name').doUpdateSet({ failures: sql`job_runs.failures + 1`, last_error: message, last_error_at: at }))
      .execute();
  }
}
