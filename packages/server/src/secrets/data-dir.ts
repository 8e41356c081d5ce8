import fs from 'node:fs';
import path from 'node:path';

/** Private to the server's user: no group or other access to events, accounts, raw payloads or the secret. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** The embedded store's files, made private at start (also those an older version created 0644). */
const DATA_FILES = ['events.duckdb', 'events.duckdb.wal', 'meta.sqlite', 'meta.sqlite-wal', 'meta.sqlite-shm', 'secret'];

/**
 * Creates the data directory 0700. An existing directory keeps its mode (an operator may have opened it to
 * a backup group on purpose), with a warning when others can read it.
 */
export function preparePrivateDir(dir: string, warn: (msg: string) => void = (m) => console.warn(m)): void {
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    // mkdir's mode passes through the umask; chmod states it exactly.
    fs.chmodSync(dir, PRIVATE_DIR_MODE);
    return;
  }
  const mode = fs.statSync(dir).mode & 0o777;
  if (mode & 0o077) warn(`data directory ${dir} is accessible to other users (mode ${mode.toString(8)}); chmod 700 it (docs/security.md)`);
}

/** chmod 0600 the data files that exist (the engines create theirs with the process umask). */
export function restrictDataFiles(dir: string): void {
  for (const name of DATA_FILES) {
    const file = path.join(dir, name);
    try {
      if ((fs.statSync(file).mode & 0o777) !== PRIVATE_FILE_MODE) fs.chmodSync(file, PRIVATE_FILE_MODE);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
