import fs from 'node:fs';
import path from 'node:path';
import type { RawPayloadRecord } from '../event-store';

/**
 * The raw layer of the embedded store: every accepted request's payload, as received, in append-only
 * newline-delimited JSON files beside the database — one file per UTC hour of `received_at` and write
 * lane (`2026-11-22T05.0.ndjson`). Kept out of DuckDB because large strings are costly there: every
 * payload went through the WAL and then through a checkpoint that analysed and compressed it, which
 * cost the embedded write path about a third of its throughput (bench/README.md).
 *
 * - Durability: a group's lines are written with one write() per file and fdatasync'd before the
 *   group is acknowledged; a new file's directory entry is synced too.
 * - Atomicity with the event transaction: a group whose DuckDB transaction fails is cut off its files
 *   again (each lane appends only to its own files, one group at a time). A crash between the two can
 *   leave the payload of an unacknowledged request here; the client's retry then adds it once more.
 * - A torn last line (a crash mid-write) is cut off when the file is next opened for appending, and
 *   skipped by readers.
 * - SQL: `rawPayloadsViewSql` reads the files with read_json as the `raw_payloads` view.
 * - A line carries `original_bytes` only when its body is a prefix (a request nothing of which was
 *   stored); the view reads 0 for the others.
 * - Retention: whole files are deleted once their hour is entirely older than the cutoff.
 */

const FILE_RE = /^(\d{4}-\d{2}-\d{2}T\d{2})\.(\d+)\.ndjson$/;
/** Always present, so the view's glob never matches nothing (read_json refuses an empty match). */
const EMPTY_FILE = '0000-empty.ndjson';
const HOUR_MS = 3_600_000;

/** `2026-11-22T05`: the UTC hour of `ms`, as file names carry it (they sort in time order). */
const hourKey = (ms: number) => new Date(Math.floor(ms / HOUR_MS) * HOUR_MS).toISOString().slice(0, 13);
const hourStart = (key: string) => Date.parse(`${key}:00:00Z`);

interface OpenFile {
  fd: fs.promises.FileHandle;
  size: number;
}

export interface RawAppend {
  /** Settles once the lines are durable; rejects if they could not be written (nothing is left of them). */
  done: Promise<void>;
  /** Removes the group's lines again (its event transaction failed). Call only after `done` settled. */
  undo(): Promise<void>;
}

export class RawLog {
  private files = new Map<string, Promise<OpenFile>>();

  private constructor(readonly dir: string) {}

  static async open(dir: string): Promise<RawLog> {
    // Raw payloads are as private as the database (docs/security.md): 0700 directory, 0600 files.
    await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
    const empty = path.join(dir, EMPTY_FILE);
    if (!fs.existsSync(empty)) await fs.promises.writeFile(empty, '', { mode: 0o600 });
    return new RawLog(dir);
  }

  /** The files' glob, for read_json. */
  get glob(): string {
    return path.join(this.dir, '*.ndjson');
  }

  /** Appends the records of one group on `lane`; no other append may run on the same lane meanwhile. */
  append(records: readonly RawPayloadRecord[], lane: number): RawAppend {
    const byFile = new Map<string, string[]>();
    for (const r of records) {
      const name = `${hourKey(r.received_at)}.${lane}.ndjson`;
      let lines = byFile.get(name);
      if (!lines) {
        lines = [];
        byFile.set(name, lines);
      }
      const line = { id: r.id, site_id: r.site_id, received_at: r.received_at, contract: r.contract, body: r.body };
      lines.push(JSON.stringify(r.original_bytes ? { ...line, original_bytes: r.original_bytes } : line));
    }
    const written: Array<{ file: OpenFile; before: number }> = [];
    const done = (async () => {
      for (const [name, lines] of byFile) {
        const file = await this.file(name);
        const before = file.size;
        written.push({ file, before });
        const buf = Buffer.from(lines.join('\n') + '\n');
        try {
          let off = 0;
          while (off < buf.length) off += (await file.fd.write(buf, off, buf.length - off, before + off)).bytesWritten;
          file.size = before + buf.length;
          await file.fd.datasync();
        } catch (err) {
          await cut(file, before);
          written.pop();
          throw err;
        }
      }
    })();
    // One undo, shared: the lane's next group must not start writing before the cut has finished.
    let undoing: Promise<void> | null = null;
    const undo = () => (undoing ??= this.undoAll(written));
    done.catch(undo);
    return { done, undo };
  }

  /** Deletes the files whose hour ended at or before `olderThanMs`; returns the number of records in them. */
  async purge(olderThanMs: number): Promise<number> {
    let removed = 0;
    for (const name of await fs.promises.readdir(this.dir)) {
      const m = FILE_RE.exec(name);
      if (!m || hourStart(m[1]!) + HOUR_MS > olderThanMs) continue;
      const full = path.join(this.dir, name);
      const open = this.files.get(name);
      this.files.delete(name);
      if (open) await (await open).fd.close().catch(() => undefined);
      removed += countLines(await fs.promises.readFile(full));
      await fs.promises.rm(full, { force: true });
    }
    return removed;
  }

  /**
   * Removes the lines of one site received before `beforeMs` (all of them by default): each file that
   * holds any is rewritten without them (a new file renamed over the old one; emptied files are deleted).
   * Call with no append running; files open for appending are closed and reopened by the next append.
   */
  async removeSite(siteId: string, beforeMs = Number.POSITIVE_INFINITY): Promise<number> {
    return this.removeWhere(siteId, (line) => ownedBefore(line, siteId, beforeMs), beforeMs);
  }

  /**
   * Removes the lines of one site whose body contains any of `needles` (lower-case; the body is compared
   * lower-cased): a data subject's erasure from the raw layer, by the ids it was identified with.
   */
  removeMatching(siteId: string, needles: readonly string[]): Promise<number> {
    return this.removeWhere(siteId, (line) => {
      try {
        const r = JSON.parse(line) as { site_id?: unknown; body?: unknown };
        if (r.site_id !== siteId || typeof r.body !== 'string') return false;
        const body = r.body.toLowerCase();
        return needles.some((n) => body.includes(n));
      } catch {
        return false;
      }
    });
  }

  /** Rewrites every file (of hours before `beforeMs`) holding lines of the site without the lines `gone` selects. */
  private async removeWhere(siteId: string, gone: (line: string) => boolean, beforeMs = Number.POSITIVE_INFINITY): Promise<number> {
    let removed = 0;
    const needle = Buffer.from(`"site_id":${JSON.stringify(siteId)}`);
    for (const name of await fs.promises.readdir(this.dir)) {
      // A rewrite that a crash interrupted before its rename: the original file is still whole.
      if (name.endsWith('.ndjson.purge')) await fs.promises.rm(path.join(this.dir, name), { force: true });
      const m = FILE_RE.exec(name);
      if (!m || hourStart(m[1]!) >= beforeMs) continue;
      const full = path.join(this.dir, name);
      const buf = await fs.promises.readFile(full);
      if (!buf.includes(needle)) continue;
      const kept: string[] = [];
      let dropped = 0;
      for (const line of buf.toString('utf8').split('\n')) {
        if (!line) continue;
        if (line.includes(needle.toString()) && gone(line)) dropped++;
        else kept.push(line);
      }
      if (!dropped) continue;
      removed += dropped;
      const open = this.files.get(name);
      this.files.delete(name);
      if (open) await (await open).fd.close().catch(() => undefined);
      if (!kept.length) {
        await fs.promises.rm(full, { force: true });
        continue;
      }
      const tmp = `${full}.purge`;
      const fd = await fs.promises.open(tmp, 'w');
      try {
        await fd.writeFile(kept.join('\n') + '\n');
        await fd.datasync();
      } finally {
        await fd.close();
      }
      await fs.promises.rename(tmp, full);
    }
    if (removed) {
      const dir = await fs.promises.open(this.dir, 'r');
      await dir.sync().finally(() => dir.close());
    }
    return removed;
  }

  async close(): Promise<void> {
    const open = [...this.files.values()];
    this.files.clear();
    for (const f of open) await (await f).fd.close().catch(() => undefined);
  }

  private async undoAll(written: Array<{ file: OpenFile; before: number }>): Promise<void> {
    for (const w of written.splice(0).reverse()) await cut(w.file, w.before);
  }

  private file(name: string): Promise<OpenFile> {
    let f = this.files.get(name);
    if (!f) {
      f = this.openFile(name);
      this.files.set(name, f);
      f.catch(() => this.files.delete(name));
      // A lane's files of earlier hours are done with (payloads are stamped on receipt): close them. Only
      // the same lane's, which is not writing now as it is opening this one, and not the previous hour's,
      // which the same group may have just written (and may still have to cut off again).
      const lane = name.slice(14);
      const previousHour = `${hourKey(hourStart(name.slice(0, 13)) - HOUR_MS)}.${lane}`;
      for (const [other, p] of this.files) {
        if (other < previousHour && other.slice(14) === lane) {
          this.files.delete(other);
          void p.then((o) => o.fd.close()).catch(() => undefined);
        }
      }
    }
    return f;
  }

  private async openFile(name: string): Promise<OpenFile> {
    const full = path.join(this.dir, name);
    const existed = fs.existsSync(full);
    const fd = await fs.promises.open(full, existed ? 'r+' : 'w+', 0o600);
    const length = (await fd.stat()).size;
    // A torn last line (crash mid-write) was never acknowledged: cut it so the next line starts clean.
    const size = await endOfLastLine(fd, length);
    if (size !== length) {
      await fd.truncate(size);
      await fd.datasync();
    }
    if (!existed) {
      // The new file's directory entry must be durable too, or an acknowledged line could vanish with it.
      const dir = await fs.promises.open(this.dir, 'r');
      await dir.sync().finally(() => dir.close());
    }
    return { fd, size };
  }
}

/** Truncates back to `size` (best effort: if this fails too, readers skip nothing but the group is unacknowledged). */
async function cut(file: OpenFile, size: number): Promise<void> {
  try {
    await file.fd.truncate(size);
    await file.fd.datasync();
  } catch {
    // The lines stay; the client was not acknowledged and will retry (see the module comment).
  }
  file.size = size;
}

/** Offset just after the last newline before `end` (0 if none), reading backwards in blocks. */
async function endOfLastLine(fd: fs.promises.FileHandle, end: number): Promise<number> {
  const block = Buffer.alloc(64 * 1024);
  while (end > 0) {
    const start = Math.max(0, end - block.length);
    await fd.read(block, 0, end - start, start);
    const i = block.subarray(0, end - start).lastIndexOf(0x0a);
    if (i >= 0) return start + i + 1;
    end = start;
  }
  return 0;
}

/** Whether a line is a record of `siteId` received before `beforeMs` (a line that does not parse is kept). */
function ownedBefore(line: string, siteId: string, beforeMs: number): boolean {
  try {
    const r = JSON.parse(line) as { site_id?: unknown; received_at?: unknown };
    return r.site_id === siteId && typeof r.received_at === 'number' && r.received_at < beforeMs;
  } catch {
    return false;
  }
}

function countLines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(0x0a); i >= 0; i = buf.indexOf(0x0a, i + 1)) n++;
  return n;
}

/** `raw_payloads` as a view over the files (a torn line reads as NULLs and is skipped). */
export function rawPayloadsViewSql(glob: string): string {
  const literal = `'${glob.replace(/'/g, "''")}'`;
  return (
    `CREATE OR REPLACE TEMP VIEW raw_payloads AS ` +
    `SELECT id, site_id, epoch_ms(received_at) AS received_at, contract, body, coalesce(original_bytes, 0) AS original_bytes ` +
    `FROM read_json(${literal}, format = 'newline_delimited', ` +
    `columns = {id: 'UUID', site_id: 'VARCHAR', received_at: 'BIGINT', contract: 'VARCHAR', body: 'VARCHAR', original_bytes: 'BIGINT'}, ignore_errors = true) ` +
    `WHERE id IS NOT NULL AND body IS NOT NULL ` +
    `UNION ALL SELECT id, site_id, received_at, contract, body, 0 AS original_bytes FROM raw_payloads_archive`
  );
}
