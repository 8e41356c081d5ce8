import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, startServer, type Config, type RunningServer } from '../../src/index';

/** A fresh temporary data directory, removed by the caller's cleanup. */
export function tempDataDir(prefix = 'tidemark-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Starts a real server (embedded DuckDB + SQLite in a temp dir unless overridden) on an ephemeral port.
 * Integration tests talk to it over HTTP exactly as browsers and SDKs do.
 */
export async function startTestServer(
  overrides: Partial<Config> = {},
  env: NodeJS.ProcessEnv = {},
): Promise<RunningServer & { dataDir: string; cleanup(): Promise<void> }> {
  const dataDir = overrides.dataDir ?? tempDataDir();
  const config = loadConfig({ TIDEMARK_LOG_LEVEL: 'silent', ...env }, { host: '127.0.0.1', port: 0, dataDir, ...overrides });
  const server = await startServer(config);
  return {
    ...server,
    dataDir,
    async cleanup() {
      await server.stop();
      if (!overrides.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
