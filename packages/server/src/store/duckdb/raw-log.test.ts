import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDbEventStore } from './event-store';
import { RawLog } from './raw-log';
import { batchOf, makeEvent, tempDir, uuidv7 } from '../../../test/helpers/events';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 22, 5, 30);
const rec = (body: string, receivedAt = T0) => ({
  id: uuidv7(receivedAt),
  site_id: 's',
  received_at: receivedAt,
  contract: 'insighthub.collect',
  body,
});
const lines = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).body as string);

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function openLog(): Promise<{ log: RawLog; dir: string }> {
  const dir = path.join(tempDir('rawlog'), 'raw');
  const log = await RawLog.open(dir);
  cleanups.push(() => log.close());
  return { log, dir };
}

describe('RawLog', () => {
  it("removeMatching drops only the site's lines whose body names a needle, without case, and keeps appending", async () => {
    const { log, dir } = await openLog();
    const other = { ...rec('{"user":"U-42"}'), site_id: 'other' };
    await log.append([rec('{"user":"U-42"}'), rec('{"email":"Jane@Mail.test"}'), rec('{"user":"u-7"}'), other], 0).done;
    await log.append([rec('{"user":"u-42","old":1}', T0 - 2 * HOUR)], 1).done;
    expect(await log.removeMatching('s', ['u-42', 'jane@mail.test'])).toBe(3);
    const f = path.join(dir, '2026-11-22T05.0.ndjson');
    expect(lines(f)).toEqual(['{"user":"u-7"}', '{"user":"U-42"}']);
    expect(fs.existsSync(path.join(dir, '2026-11-22T03.1.ndjson'))).toBe(false);
    await log.append([rec('after')], 0).done;
    expect(lines(f)).toEqual(['{"user":"u-7"}', '{"user":"U-42"}', 'after']);
  });

  it('appends one file per UTC hour and lane, and undo cuts a group off again', async () => {
    const { log, dir } = await openLog();
    await log.append([rec('a'), rec('b')], 0).done;
    await log.append([rec('c')], 1).done;
    await log.append([rec('old', T0 - 2 * HOUR)], 0).done;
    const group = log.append([rec('d'), rec('e', T0 - 2 * HOUR)], 0);
    await group.done;
    await group.undo();
    await log.append([rec('f')], 0).done;
    expect(lines(path.join(dir, '2026-11-22T05.0.ndjson'))).toEqual(['a', 'b', 'f']);
    expect(lines(path.join(dir, '2026-11-22T05.1.ndjson'))).toEqual(['c']);
    expect(lines(path.join(dir, '2026-11-22T03.0.ndjson'))).toEqual(['old']);
  });

  it("removes one site's lines before a cutoff, rewriting shared files and deleting emptied ones; appends go on", async () => {
    const { log, dir } = await openLog();
    const of = (site: string, body: string, at = T0) => ({ ...rec(body, at), site_id: site });
    await log.append([of('a', 'a1'), of('b', 'b1'), of('a', 'a2')], 0).done;
    await log.append([of('a', 'a-old', T0 - 2 * HOUR)], 0).done;
    await log.append([of('b', 'b-old', T0 - 3 * HOUR)], 0).done;
    // Only lines received before the cutoff go: a3 was received later in the same hour.
    await log.append([of('a', 'a3', T0 + 10 * 60_000)], 0).done;
    expect(await log.removeSite('a', T0 + 60_000)).toBe(3);
    expect(lines(path.join(dir, '2026-11-22T05.0.ndjson'))).toEqual(['b1', 'a3']);
    expect(fs.existsSync(path.join(dir, '2026-11-22T03.0.ndjson'))).toBe(false);
    expect(lines(path.join(dir, '2026-11-22T02.0.ndjson'))).toEqual(['b-old']);
    // The file the lane was appending to was replaced: the next append goes to the new one.
    await log.append([of('a', 'a4')], 0).done;
    expect(lines(path.join(dir, '2026-11-22T05.0.ndjson'))).toEqual(['b1', 'a3', 'a4']);
    expect(await log.removeSite('a')).toBe(2);
    expect(await log.removeSite('a')).toBe(0);
    expect(lines(path.join(dir, '2026-11-22T05.0.ndjson'))).toEqual(['b1']);
  });

  it('undoes a group that crossed into the next hour in both files', async () => {
    const { log, dir } = await openLog();
    await log.append([rec('a')], 0).done;
    const group = log.append([rec('b'), rec('c', T0 + HOUR)], 0);
    await group.done;
    await group.undo();
    expect(lines(path.join(dir, '2026-11-22T05.0.ndjson'))).toEqual(['a']);
    expect(lines(path.join(dir, '2026-11-22T06.0.ndjson'))).toEqual([]);
  });

  it('cuts a torn last line when it reopens a file, so the next line starts clean', async () => {
    const { log, dir } = await openLog();
    await log.append([rec('kept')], 0).done;
    await log.close();
    const file = path.join(dir, '2026-11-22T05.0.ndjson');
    fs.appendFileSync(file, '{"id":"0190a0a0-0000-7000-8000-00000'); // a crash mid-write
    const again = await RawLog.open(dir);
    cleanups.push(() => again.close());
    await again.append([rec('next')], 0).done;
    expect(lines(file)).toEqual(['kept', 'next']);
  });

  it('purges whole files whose hour ended before the cutoff and counts their records', async () => {
    const { log, dir } = await openLog();
    await log.append([rec('old1', T0 - 3 * HOUR), rec('old2', T0 - 3 * HOUR)], 0).done;
    await log.append([rec('boundary', T0 - HOUR)], 0).done;
    await log.append([rec('new')], 0).done;
    // Cutoff inside the 04:00 hour: that hour is kept whole until it has entirely passed.
    expect(await log.purge(T0 - HOUR + 60_000)).toBe(2);
    expect(fs.readdirSync(dir).sort()).toEqual(['0000-empty.ndjson', '2026-11-22T04.0.ndjson', '2026-11-22T05.0.ndjson']);
  });
});

describe('raw payloads of the DuckDB store', () => {
  it('are readable as the raw_payloads view, per database file, and survive a reopen', async () => {
    const dir = tempDir('rawstore');
    const a = await DuckDbEventStore.open(path.join(dir, 'a.duckdb'));
    const b = await DuckDbEventStore.open(path.join(dir, 'b.duckdb'));
    await a.init();
    await b.init();
    await a.write(batchOf([makeEvent()], { raw: [rec("it's a"), rec('{"x":"\\u0000\\n"}')] }));
    await b.write(batchOf([makeEvent()], { raw: [rec('b')] }));
    await b.close();
    const bodies = async (s: DuckDbEventStore) =>
      (await s.query<{ body: string }>('SELECT body FROM raw_payloads ORDER BY body')).map((r) => r.body);
    expect(await bodies(a)).toEqual(["it's a", '{"x":"\\u0000\\n"}']);
    await a.close();
    const reopened = await DuckDbEventStore.open(path.join(dir, 'a.duckdb'));
    await reopened.init();
    cleanups.push(() => reopened.close());
    expect(await bodies(reopened)).toEqual(["it's a", '{"x":"\\u0000\\n"}']);
    const [row] = await reopened.query<{ received_at: Date; site_id: string }>('SELECT received_at, site_id FROM raw_payloads LIMIT 1');
    expect(row).toEqual({ received_at: new Date(T0), site_id: 's' });
    expect(fs.existsSync(path.join(dir, 'a.raw'))).toBe(true);
  });
});
