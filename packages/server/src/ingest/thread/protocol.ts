import type { WriteBatch } from '../../store';
import type { AdmittedRequest, CollectOutcome } from '../collector';
import type { AdmissionFields } from '../contracts';
import type { SaltPair } from '../lib/salts';
import type { ContractName } from '../types';

/** Given to a collector thread at start (workerData). */
export interface ThreadInit {
  /** URL of the thread's TypeScript entry, loaded by boot.mjs (run from source; the build starts its bundle directly). */
  entry: string;
  geoDbPath: string | undefined;
  /** HMAC key of hashed traits, hex. */
  traitKey?: string;
}

/**
 * What the HTTP thread asks. `admit` reads a body (the thread keeps it); `collect` runs an admitted body
 * through the pipeline once its site is known; `release` forgets a body the route refused.
 */
export type ThreadJob =
  | { type: 'admit'; id: number; contract: ContractName; raw: string }
  | { type: 'collect'; id: number; req: AdmittedRequest; salts: SaltPair }
  | { type: 'release'; id: number };

/** An error as it crosses back: enough to raise the same TidemarkError (status, code, message, details). */
export interface ThreadError {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

export type ThreadReply =
  | { id: number; ok: true; kind: 'admitted'; fields: AdmissionFields; problem: ThreadError | null }
  | {
      id: number;
      ok: true;
      kind: 'collected';
      batch: WriteBatch;
      /** Per raw record: its body is the request body as the HTTP thread has it (left empty here). */
      sameBody: boolean[];
      outcome: CollectOutcome;
    }
  | { id: number; ok: false; error: ThreadError };

/** The thread's first message: its services are open (or could not be). */
export type ThreadReady = { ready: true } | { ready: false; error: string };
