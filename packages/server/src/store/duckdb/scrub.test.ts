import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDbClient } from './client';
import { scrubDatabase } from './scrub';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const NEEDLE = 'scrub-me-0123456789@example.com';
const copies = (file: string) => {
  const bytes = fs.readFileSync(file);
  let n = 0;
  for (let i = bytes.indexOf(NEEDLE); i >= 0; i = bytes.indexOf(NEEDLE, i + 1)) n++;
  return n;
};

describe('scrubDatabase', () => {
  it("leaves no deleted row's bytes in the file, and every table as it was: rows, keys, indexes, defaults, views", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-scrub-'));
    dirs.push(dir);
    const file = path.join(dir, 'events.duckdb');
    const db = await DuckDbClient.open(file);
    try {
      await db.run('CREATE TABLE ev (id VARCHAR PRIMARY KEY, user_id VARCHAR, props VARCHAR, n BIGINT DEFAULT 7)');
      await db.run('CREATE INDEX ev_user ON ev (user_id)');
      await db.run('CREATE VIEW ev_users AS SELECT DISTINCT user_id FROM ev');
      await db.run('CREATE TABLE small (k INTEGER PRIMARY KEY, v VARCHAR)');
      await db.run("INSERT INTO small VALUES (1, 'one'), (2, ?)", [NEEDLE]);
      await db.run(
        `INSERT INTO ev SELECT 'id' || i, CASE WHEN i % 1000 = 7 THEN ? ELSE 'user' || (i % 5000) END, '{"a":"' || md5(i::VARCHAR) || '"}', i FROM range(200000) t(i)`,
        [NEEDLE],
      );
      await db.run('CHECKPOINT');
      expect(copies(file)).toBeGreaterThan(0);
      await db.run('DELETE FROM ev WHERE user_id = ?', [NEEDLE]);
      await db.run('DELETE FROM small WHERE v = ?', [NEEDLE]);
      await db.run('CHECKPOINT');
      // What DuckDB does by itself: the deleted rows' bytes stay in the file.
      expect(copies(file)).toBeGreaterThan(0);
      const left = Number((await db.all<{ n: number }>('SELECT count(*) AS n FROM ev'))[0]!.n);
      const sum = Number((await db.all<{ s: number }>('SELECT sum(n) AS s FROM ev'))[0]!.s);
      const users = Number((await db.all<{ n: number }>('SELECT count(*) AS n FROM ev_users'))[0]!.n);

      const report = await scrubDatabase(db);
      expect(copies(file)).toBe(0);
      expect(report).toMatchObject({ tables: 2, rows: left + 1 });
      expect(Number((await db.all<{ n: number }>('SELECT count(*) AS n FROM ev'))[0]!.n)).toBe(left);
      expect(Number((await db.all<{ s: number }>('SELECT sum(n) AS s FROM ev'))[0]!.s)).toBe(sum);
      expect(await db.all('SELECT * FROM small')).toEqual([{ k: 1, v: 'one' }]);
      // The rebuilt tables keep their key, index, default; the view reads the new table; no filler is left.
      await expect(db.run("INSERT INTO ev (id, user_id) VALUES ('id5', 'x')")).rejects.toThrow(/Duplicate key/);
      await db.run("INSERT INTO ev (id, user_id) VALUES ('new', 'x')");
      expect((await db.all<{ n: number }>("SELECT n FROM ev WHERE id = 'new'"))[0]!.n).toBe(7);
      expect(
        (await db.all<{ index_name: string }>("SELECT index_name FROM duckdb_indexes() WHERE table_name = 'ev'")).map((r) => r.index_name),
      ).toEqual(['ev_user']);
      expect(Number((await db.all<{ n: number }>('SELECT count(*) AS n FROM ev_users'))[0]!.n)).toBe(users + 1);
      expect((await db.all<{ t: string }>('SELECT table_name AS t FROM duckdb_tables() ORDER BY t')).map((r) => r.t)).toEqual([
        'ev',
        'small',
      ]);
    } finally {
      db.close();
    }
  });
});
