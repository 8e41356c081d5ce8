import { EVENT_COLUMNS } from '@tidemark/core';
import type { PurgeCounts, RawMatches, SubjectRef } from '../event-store';
import { quoteInt, quoteString } from './escape';
import type { ClickHouseClient } from './http';
import { PERSONAL_SIDE_TABLES, SIDE_TABLE_NAMES, SIDE_TABLES } from '../side-tables';

/**
 * The scale-out store's lifecycle deletes (see LifecycleStore). Partitions hold every site, so a
 * site's rows go by a mutation (`ALTER TABLE … DELETE WHERE`, on 18.16 and on current servers alike);
 * a partition is dropped whole instead when every row in it is to go. Only tables partitioned by the
 * time of receipt (raw payloads, quarantine) are dropped that way: nothing is ever written into their
 * past, whereas an events or drops partition could receive another site's backfill between the count
 * and the drop. Mutations are awaited, so what was counted is gone when a purge resolves.
 */

interface Target {
  table: string;
  /** Name in the counts. */
  name: string;
  where: string;
  /** Partition expression, when a whole partition may be dropped. */
  partition?: string;
}

const utcTime = (col: string) => `toDateTime(intDiv(least(greatest(${col}, 0), 4294967295000), 1000), 'UTC')`;

function siteTargets(siteId: string, before: number | null): Target[] {
  const site = `site_id = ${quoteString(siteId)}`;
  const older = (col: string) => (before === null ? site : `${site} AND ${col} < ${quoteInt(before)}`);
  return [
    { table: 'events', name: 'events', where: older('ts') },
    { table: 'quarantine', name: 'quarantine', where: older('received_at'), partition: `toYYYYMM(${utcTime('received_at')})` },
    { table: 'raw_payloads', name: 'raw', where: older('received_at'), partition: `toYYYYMMDD(${utcTime('received_at')})` },
    {
      table: 'ingest_drops',
      name: 'drops',
      where: before === null ? site : `${site} AND day < toDate(${utcTime(quoteInt(before))})`,
    },
    ...SIDE_TABLE_NAMES.map((name) => ({ table: name, name, where: older(SIDE_TABLES[name].time) })),
    {
      table: 'imported_stats',
      name: 'imported',
      where: before === null ? site : `${site} AND day < ${quoteString(new Date(before).toISOString().slice(0, 10))}`,
    },
    // Dedupe ids carry no time: they go with the site only.
    ...(before === null ? [{ table: 'event_ids', name: 'event_ids', where: site }] : []),
  ];
}

/** The site's rows whose `column` contains any needle, compared without case; null without needles. */
function rawWhere(siteId: string, needles: readonly string[], column: string): string | null {
  const list = needles.filter((n) => n.length > 0);
  if (!list.length) return null;
  return `site_id = ${quoteString(siteId)} AND (${list.map((n) => `positionCaseInsensitive(${column}, ${quoteString(n)}) > 0`).join(' OR ')})`;
}

export class ClickHouseLifecycle {
  constructor(
    private readonly http: ClickHouseClient,
    private readonly awaitMutations: (tables: string[]) => Promise<void>,
  ) {}

  purgeSiteBefore(siteId: string, cutoffMs: number): Promise<PurgeCounts> {
    return this.purge(siteTargets(siteId, Math.trunc(cutoffMs)));
  }

  purgeSite(siteId: string): Promise<PurgeCounts> {
    return this.purge(siteTargets(siteId, null));
  }

  async exportSubject(siteId: string, subject: SubjectRef): Promise<Array<Record<string, unknown>>> {
    const visitors = await this.subjectVisitors(siteId, subject);
    if (!visitors.length) return [];
    return this.http.select(
      `SELECT ${EVENT_COLUMNS.map((c) => c.name).join(', ')} FROM events FINAL
       WHERE site_id = ${quoteString(siteId)} AND visitor_id IN (${visitors.map(quoteString).join(', ')}) ORDER BY ts, event_id`,
    );
  }

  async eraseSubject(siteId: string, subject: SubjectRef): Promise<PurgeCounts> {
    const visitors = await this.subjectVisitors(siteId, subject);
    if (!visitors.length) return { events: 0 };
    const where = `site_id = ${quoteString(siteId)} AND visitor_id IN (${visitors.map(quoteString).join(', ')})`;
    const counts = await this.unlink(where);
    return { ...counts, ...(await this.purge([{ table: 'events', name: 'events', where }])) };
  }

  async exportSubjectSideRows(siteId: string, subject: SubjectRef): Promise<Record<string, Array<Record<string, unknown>>>> {
    const visitors = await this.subjectVisitors(siteId, subject);
    const out: Record<string, Array<Record<string, unknown>>> = {};
    for (const name of PERSONAL_SIDE_TABLES)
      out[name] = visitors.length
        ? await this.http.select(
            `SELECT * FROM ${name} FINAL WHERE site_id = ${quoteString(siteId)} AND visitor_id IN (${visitors.map(quoteString).join(', ')})
             ORDER BY ${SIDE_TABLES[name].time}`,
          )
        : [];
    return out;
  }

  /** Raw payloads and quarantined events of the site whose body names a needle (without case). */
  async exportRawMatching(siteId: string, needles: readonly string[]): Promise<RawMatches> {
    const raw = rawWhere(siteId, needles, 'body');
    const q = rawWhere(siteId, needles, 'payload');
    if (!raw || !q) return { raw_payloads: [], quarantine: [] };
    const [raw_payloads, quarantine] = await Promise.all([
      this.http.select<RawMatches['raw_payloads'][number]>(
        `SELECT id, received_at, contract, body FROM raw_payloads FINAL WHERE ${raw} ORDER BY received_at, id`,
      ),
      this.http.select<RawMatches['quarantine'][number]>(
        `SELECT id, received_at, contract, reason, payload FROM quarantine FINAL WHERE ${q} ORDER BY received_at, id`,
      ),
    ]);
    const num = <T extends { received_at: number }>(r: T): T => ({ ...r, received_at: Number(r.received_at) });
    return { raw_payloads: raw_payloads.map(num), quarantine: quarantine.map(num) };
  }

  async eraseRawMatching(siteId: string, needles: readonly string[]): Promise<PurgeCounts> {
    const raw = rawWhere(siteId, needles, 'body');
    const q = rawWhere(siteId, needles, 'payload');
    if (!raw || !q) return { raw: 0, quarantine: 0 };
    return this.purge([
      { table: 'raw_payloads', name: 'raw', where: raw },
      { table: 'quarantine', name: 'quarantine', where: q },
    ]);
  }

  /** Blanks the columns naming a person in the side tables' rows matching `where` (the amounts stay; link-only rows go). */
  private async unlink(where: string): Promise<PurgeCounts> {
    const counts: PurgeCounts = {};
    const mutated: string[] = [];
    for (const name of PERSONAL_SIDE_TABLES) {
      const linkOnly = SIDE_TABLES[name].linkOnly;
      if (linkOnly) {
        const [link] = await this.http.select<{ n: number }>(`SELECT count() AS n FROM ${name} FINAL WHERE ${where} AND (${linkOnly})`);
        counts[`${name}_deleted`] = Number(link?.n ?? 0);
        if (counts[`${name}_deleted`]) {
          await this.http.exec(`ALTER TABLE ${name} DELETE WHERE ${where} AND (${linkOnly})`);
          await this.awaitMutations([name]);
        }
      }
      const [row] = await this.http.select<{ n: number }>(`SELECT count() AS n FROM ${name} FINAL WHERE ${where}`);
      counts[`${name}_unlinked`] = Number(row?.n ?? 0);
      const [left] = await this.http.select<{ n: number }>(`SELECT count() AS n FROM ${name} WHERE ${where}`);
      if (!Number(left?.n ?? 0)) continue;
      const set = SIDE_TABLES[name].personal.map((c) => `${c} = ''`).join(', ');
      await this.http.exec(`ALTER TABLE ${name} UPDATE ${set} WHERE ${where}`);
      mutated.push(name);
    }
    if (mutated.length) await this.awaitMutations(mutated);
    return counts;
  }

  /**
   * Deletes an import's aggregates and the events it wrote (visitor ids under its prefix), with their
   * dedupe ids first, so importing the same file again after a delete stores its events again.
   */
  async deleteImport(siteId: string, importId: string, visitorPrefix: string): Promise<PurgeCounts> {
    const site = `site_id = ${quoteString(siteId)}`;
    const ofImport = `${site} AND startsWith(visitor_id, ${quoteString(visitorPrefix)})`;
    const ids = await this.http.select<{ id: string }>(`SELECT DISTINCT toString(event_id) AS id FROM events WHERE ${ofImport}`);
    const targets: Target[] = [];
    for (let i = 0; i < ids.length; i += 5000) {
      const list = ids
        .slice(i, i + 5000)
        .map((r) => quoteString(r.id))
        .join(', ');
      targets.push({ table: 'event_ids', name: 'event_ids', where: `${site} AND event_id IN (${list})` });
    }
    targets.push(
      { table: 'events', name: 'events', where: ofImport },
      { table: 'imported_stats', name: 'imported', where: `${site} AND import_id = ${quoteString(importId)}` },
    );
    return this.purge(targets);
  }

  /** Only the import's aggregates (before they are written again). */
  deleteImportedRows(siteId: string, importId: string): Promise<PurgeCounts> {
    return this.purge([
      { table: 'imported_stats', name: 'imported', where: `site_id = ${quoteString(siteId)} AND import_id = ${quoteString(importId)}` },
    ]);
  }

  /** The subject's visitor ids on the site (resolved first: a mutation's condition should not read the table it rewrites). */
  private async subjectVisitors(siteId: string, subject: SubjectRef): Promise<string[]> {
    if (subject.visitorId !== undefined) return [subject.visitorId];
    const rows = await this.http.select<{ v: string }>(
      `SELECT DISTINCT visitor_id AS v FROM events WHERE site_id = ${quoteString(siteId)} AND user_id = ${quoteString(subject.userId)}`,
    );
    return rows.map((r) => r.v);
  }

  private async purge(targets: Target[]): Promise<PurgeCounts> {
    const counts: PurgeCounts = {};
    const mutated: string[] = [];
    for (const t of targets) {
      // Rows as reads see them (deduplicated); physical duplicates go with them.
      const final = t.table === 'event_ids' || t.table === 'imported_stats' ? '' : ' FINAL';
      const [row] = await this.http.select<{ n: number }>(`SELECT count() AS n FROM ${t.table}${final} WHERE ${t.where}`);
      counts[t.name] = (counts[t.name] ?? 0) + Number(row?.n ?? 0);
      if (t.partition) await this.dropWholePartitions(t);
      const [left] = await this.http.select<{ n: number }>(`SELECT count() AS n FROM ${t.table} WHERE ${t.where}`);
      if (!Number(left?.n ?? 0)) continue;
      await this.http.exec(`ALTER TABLE ${t.table} DELETE WHERE ${t.where}`);
      mutated.push(t.table);
    }
    if (mutated.length) await this.awaitMutations(mutated);
    return counts;
  }

  /** Drops the partitions of `t` in which every row is to be deleted. */
  private async dropWholePartitions(t: Target): Promise<void> {
    const parts = await this.http.select<{ p: string; hit: number; n: number }>(
      `SELECT toString(${t.partition}) AS p, countIf(${t.where}) AS hit, count() AS n FROM ${t.table} GROUP BY p HAVING hit > 0`,
    );
    for (const part of parts) {
      const id = Number(part.p);
      if (Number(part.hit) === Number(part.n) && Number.isSafeInteger(id))
        await this.http.exec(`ALTER TABLE ${t.table} DROP PARTITION ${quoteInt(id)}`);
    }
  }
}
