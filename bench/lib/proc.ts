import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Node flags the server is started with (as `npm start` and docs/scale-out.md do): a 32 MB young
 * generation, so the collector's short-lived request objects die in fewer, cheaper scavenges.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=32'];

/**
 * A bench sends one site's whole load from loopback: the per-site and per-address collection budgets
 * (events and requests per minute) are set far above it, so a run measures ingestion and not 429s,
 * while the limiter still counts every request as it does in production.
 */
export const BENCH_COLLECT_LIMITS: NodeJS.ProcessEnv = {
  TIDEMARK_COLLECT_ADDRESS_PER_MINUTE: '1000000000',
  TIDEMARK_COLLECT_SITE_PER_MINUTE: '1000000000',
  TIDEMARK_COLLECT_KEY_PER_MINUTE: '1000000000',
};

/** Starts a TypeScript entry point under tsx in its own process. */
export function spawnTs(file: string, args: string[], env: NodeJS.ProcessEnv = {}, nodeFlags: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeFlags, '--import', 'tsx', path.resolve(REPO_ROOT, file), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Resolves with the first stdout match of `re` (stderr is echoed); rejects on exit or timeout. */
export function waitForLine(child: ChildProcess, re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}; output so far:\n${buf}`)), timeoutMs);
    const onData = (d: Buffer) => {
      buf += d.toString();
      const m = buf.match(re);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(m);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => process.stderr.write(d));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`process exited (${code}) before printing ${re}; output:\n${buf}`));
    });
  });
}

/** Runs a TypeScript program to completion and returns its stdout (rejects on non-zero exit). */
export function runTs(file: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawnTs(file, args, env);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => process.stderr.write(d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${file} exited with ${code}`));
    });
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export function stop(child: ChildProcess, graceMs = 60_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}
