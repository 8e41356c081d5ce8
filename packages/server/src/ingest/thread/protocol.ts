import type { WriteBatch } from '../../store';
import type { CollectOutcome, PortableCollectRequest } from '../collector';
import type { SaltPair } from '../lib/salts';

/** Given to a collector thread at start (workerData). */
export interface ThreadInit {
  /** URL of the thread's TypeScript entry, loaded by boot.mjs. */
  entry: string;
  geoDbPath: string | undefined;
}

/** One request for the thread to assemble. */
export interface ThreadJob {
  id: number;
  req: PortableCollectRequest;
  salts: SaltPair;
}

/** An error as it crosses back: enough to raise the same TidemarkError (status, code, message, details). */
export interface ThreadError {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

export type ThreadReply =
  | { id: number; ok: true; batch: WriteBatch; outcome: CollectOutcome }
  | { id: number; ok: false; error: ThreadError };

/** The thread's first message: its services are open (or could not be). */
export type ThreadReady = { ready: true } | { ready: false; error: string };
