import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDbEventStore, type WriteBatch } from '../src/store';
import { batchOf, makeEvent, uuidv4, uuidv7 } from './helpers/events';

/**
 * Crash durability of the write path: a child process writes through the group-commit writer and prints
 * an ack for each durable batch; we SIGKILL it mid-stream, reopen the file and expect every acknowledged
 * event exactly once. The child runs as `node --import tsx` (not through npx) so the signal reaches the
 * process that owns the database, not a wrapper.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = path.join(here, 'fixtures', 'durable-writer.ts');

interface Child {
  proc: ChildProcessWithoutNullStreams;
  acks: Map<number, number>; // seq -> inserted
  nacks: Map<number, string>;
  lines: string[];
  waitFor(pred: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  send(seq: number, batch: WriteBatch): void;
}

const children: Child[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function startChild(file: string): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', fixture, file], {
    cwd: path.resolve(here, '..'),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const acks = new Map<number, number>();
  const nacks = new Map<number, string>();
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let buf = '';
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  proc.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      lines.push(line);
      const [kind, seq, value] = line.split(' ');
      if (kind === 'ack') acks.set(Number(seq), Number(value));
      if (kind === 'nack') nacks.set(Number(seq), value!);
    }
    for (const w of waiters) w();
  });
  proc.stdin.on('error', () => undefined); // writes racing the kill
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => {
      for (const w of waiters) w();
      resolve({ code, signal });
    }),
  );
  const child: Child = {
    proc,
    acks,
    nacks,
    lines,
    exited,
    send: (seq, batch) => {
      if (proc.stdin.writable) proc.stdin.write(JSON.stringify({ seq, batch }) + '\n');
    },
    waitFor: (pred, what, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (pred()) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve();
          } else if (proc.exitCode !== null || proc.signalCode !== null) {
            waiters.delete(check);
            clearTimeout(timer);
            reject(new Error(`child exited while waiting for ${what}: ${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${what}; stderr: ${stderr}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
  };
  children.push(child);
  return child;
}

function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-durability-'));
  dirs.push(dir);
  return path.join(dir, 'events.duckdb');
}

/** Batches of 20 like the tracker's, mixing v7 and client-chosen v4 ids, each with its raw payload. */
function makeBatch(seq: number): WriteBatch {
  const events = Array.from({ length: 20 }, (_, i) => makeEvent({ event_id: i % 7 === 3 ? uuidv4() : uuidv7(), path: `/p/${seq}/${i}` }));
  const raw = [{ id: uuidv7(), site_id: 'site-a', received_at: Date.now(), contract: 'insighthub.collect', body: `{"seq":${seq}}` }];
  return batchOf(events, { raw, drops: [{ site_id: 'site-a', day: '2025-05-01', reason: 'bot', count: 1 }] });
}

async function storedIdCounts(file: string): Promise<{ ids: Map<string, number>; rawSeqs: Set<number>; bots: number }> {
  const store = await DuckDbEventStore.open(file);
  await store.init();
  try {
    const rows = await store.query<{ id: string; n: number }>(
      'SELECT CAST(event_id AS VARCHAR) AS id, count(*) AS n FROM events GROUP BY 1',
    );
    const raws = await store.query<{ body: string }>('SELECT body FROM raw_payloads');
    const drops = await store.dropCounts('site-a', '2025-05-01', '2025-05-01');
    return {
      ids: new Map(rows.map((r) => [r.id, r.n])),
      rawSeqs: new Set(raws.map((r) => (JSON.parse(r.body) as { seq: number }).seq)),
      bots: drops[0]?.count ?? 0,
    };
  } finally {
    await store.close();
  }
}

describe('durability of the write path', () => {
  it('finds every acknowledged event exactly once after SIGKILL mid-stream, and dedupes retries after restart', async () => {
    const file = tempFile();
    const child = startChild(file);
    await child.waitFor(() => child.lines.includes('ready'), 'ready');

    const sent = new Map<number, WriteBatch>();
    let seq = 0;
    let streaming = true;
    // Keep batches flowing (with some retries of acknowledged ones) until the kill, so commits are in flight.
    const pump = (async () => {
      while (streaming) {
        for (let i = 0; i < 10; i++) {
          const s = seq++;
          let batch = makeBatch(s);
          const ackedSeqs = [...child.acks.keys()];
          if (s % 5 === 4 && ackedSeqs.length) {
            // A client retry: the same events again, plus a duplicate inside the batch.
            const prev = sent.get(ackedSeqs[s % ackedSeqs.length]!)!;
            batch = batchOf([...prev.events.map((e) => ({ ...e })), { ...prev.events[0]! }], { raw: makeBatch(s).raw });
          }
          sent.set(s, batch);
          child.send(s, batch);
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    await child.waitFor(() => child.acks.size >= 400, '400 acks');
    child.proc.kill('SIGKILL');
    streaming = false;
    await pump;
    const exit = await child.exited;
    expect(exit.signal).toBe('SIGKILL');

    const acked = [...child.acks.keys()];
    expect(acked.length).toBeGreaterThanOrEqual(400);
    expect(seq).toBeGreaterThan(acked.length); // some batches were still unacknowledged when it died
    const { ids, rawSeqs, bots } = await storedIdCounts(file);
    for (const s of acked) {
      for (const e of sent.get(s)!.events) expect(ids.get(e.event_id), `event of acked batch ${s}`).toBe(1);
      expect(rawSeqs.has(s), `raw payload of acked batch ${s}`).toBe(true);
    }
    expect([...ids.values()].every((n) => n === 1)).toBe(true);
    const sentIds = new Set([...sent.values()].flatMap((b) => b.events.map((e) => e.event_id)));
    expect([...ids.keys()].every((id) => sentIds.has(id))).toBe(true);
    // Drop counts are committed with their batch: at least one per acked batch, at most one per sent batch.
    const dropsOf = (ss: number[]) => ss.reduce((n, s) => n + sent.get(s)!.drops.length, 0);
    expect(bots).toBeGreaterThanOrEqual(dropsOf(acked));
    expect(bots).toBeLessThanOrEqual(dropsOf([...sent.keys()]));

    // Restart on the same file (WAL replay): resending acknowledged batches stores nothing new.
    const again = startChild(file);
    await again.waitFor(() => again.lines.includes('ready'), 'ready after restart');
    const resend = acked.slice(0, 50);
    for (const [i, s] of resend.entries()) again.send(100_000 + i, batchOf(sent.get(s)!.events));
    await again.waitFor(() => again.acks.size === resend.length, 'acks of resent batches');
    expect([...again.acks.values()].every((n) => n === 0)).toBe(true);
    again.proc.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
    const after = await storedIdCounts(file);
    expect(after.ids.size).toBe(ids.size);
  });

  it('on SIGTERM commits every accepted batch, acknowledges it, and closes the file cleanly', async () => {
    const file = tempFile();
    const child = startChild(file);
    await child.waitFor(() => child.lines.includes('ready'), 'ready');
    const sent = new Map<number, WriteBatch>();
    for (let s = 0; s < 300; s++) {
      const b = makeBatch(s);
      sent.set(s, b);
      child.send(s, b);
    }
    await child.waitFor(() => child.acks.size >= 20, 'first acks');
    child.proc.kill('SIGTERM');
    const exit = await child.exited;
    expect(exit.code).toBe(0);
    expect(child.lines).toContain('closed');
    expect(child.nacks.size).toBe(0);
    const acked = [...child.acks.keys()];
    const { ids } = await storedIdCounts(file);
    for (const s of acked) for (const e of sent.get(s)!.events) expect(ids.get(e.event_id)).toBe(1);
    // Every event stored was acknowledged: a batch is either committed and acked, or neither.
    const ackedIds = new Set(acked.flatMap((s) => sent.get(s)!.events.map((e) => e.event_id)));
    expect([...ids.keys()].every((id) => ackedIds.has(id))).toBe(true);
  });
});
