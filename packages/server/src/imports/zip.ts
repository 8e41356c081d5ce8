import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import { ImportError } from './errors';

export interface ZipLimits {
  /** At most this many entries are looked at (a zip of a million empty files is refused). */
  maxEntries: number;
  /** Uncompressed bytes of every accepted entry together: stops a zip bomb while it inflates. */
  maxTotalBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 200, maxTotalBytes: 512 * 1024 * 1024 };

/** A zip file starts with a local file header (or is an empty archive). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6)
  );
}

/**
 * The entries of a zip whose name `accept` keeps, inflated with the byte budget counted on the data as
 * it comes out (the sizes a header declares may lie). Directories and unaccepted entries are skipped
 * without being inflated.
 */
export async function readZip(
  bytes: Uint8Array,
  accept: (name: string) => boolean,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Promise<Map<string, Uint8Array>> {
  if (!looksLikeZip(bytes)) throw new ImportError('not_a_zip', 'the file is not a zip archive');
  const out = new Map<string, Uint8Array>();
  let entries = 0;
  let total = 0;
  let failure: ImportError | null = null;
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  unzip.onfile = (file: UnzipFile) => {
    if (failure) return;
    if (++entries > limits.maxEntries) {
      failure = new ImportError('too_many_files', `the zip has more than ${limits.maxEntries} entries`);
      return;
    }
    if (file.name.endsWith('/') || !accept(file.name)) return;
    const chunks: Uint8Array[] = [];
    file.ondata = (err, chunk, final) => {
      if (failure) return;
      if (err) {
        failure = new ImportError('bad_zip', `cannot inflate ${file.name.slice(0, 100)}: ${err.message}`);
        return;
      }
      total += chunk.length;
      if (total > limits.maxTotalBytes) {
        failure = new ImportError('too_large', `the zip inflates to more than ${limits.maxTotalBytes} bytes`);
        file.terminate();
        return;
      }
      chunks.push(chunk);
      if (final) out.set(file.name, concat(chunks));
    };
    file.start();
  };
  try {
    // Pushed in slices so that a budget exceeded stops the work early instead of after the whole archive,
    // and other requests are served between slices (inflating runs on the request thread).
    const step = 1 << 20;
    for (let i = 0; i < bytes.length && !failure; i += step) {
      unzip.push(bytes.subarray(i, i + step), i + step >= bytes.length);
      await yieldToEventLoop();
    }
  } catch (err) {
    if (!failure) failure = new ImportError('bad_zip', `the zip cannot be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (failure) throw failure;
  return out;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The file name of a zip entry without its folders. */
export function baseName(entry: string): string {
  return entry.slice(entry.lastIndexOf('/') + 1);
}

/** Lets pending I/O run between slices of long synchronous work. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
