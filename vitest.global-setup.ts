import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/**
 * Builds the dashboard once, before any test file runs, so every server under test (browser suites and
 * the spawned `tidemark serve` processes alike) serves exactly what ships. Building inside a test file
 * instead emptied dist/ while other files' servers were reading it.
 */
export default async function setup(): Promise<void> {
  const root = path.join(path.dirname(fileURLToPath(import.meta.url)), 'packages', 'dashboard');
  await build({ root, configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
}
