import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PRIVATE_FILE_MODE } from './data-dir';

export const SECRET_FILE = 'secret';

export interface SecretSource {
  secret: string | undefined;
  dataDir: string;
  /** Several processes share state (Redis, roles): a secret generated here would differ per machine. */
  shared: boolean;
}

/**
 * The server secret: TIDEMARK_SECRET when set; else, for a single process, the data directory's `secret`
 * file, generated (32 random bytes, mode 0600) on first start. Deployments of several processes must set
 * TIDEMARK_SECRET to one value everywhere, so they refuse to start without it.
 */
export function loadServerSecret(src: SecretSource): string {
  if (src.secret) return src.secret;
  if (src.shared) {
    throw new Error(
      'TIDEMARK_SECRET must be set, to the same value on every node, when REDIS_URL or a role other than "all" is used (docs/security.md)',
    );
  }
  const file = path.join(src.dataDir, SECRET_FILE);
  if (!fs.existsSync(file)) {
    // Written aside, then linked into place: of two processes starting on one directory, one's secret wins
    // whole and the other reads that one.
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, `${crypto.randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: PRIVATE_FILE_MODE });
    try {
      fs.chmodSync(tmp, PRIVATE_FILE_MODE);
      fs.linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < 32)
    throw new Error(`${file}: the server secret must be at least 32 characters (delete the file to generate a new one)`);
  return secret;
}
