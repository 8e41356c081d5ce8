import fs from 'node:fs';
import path from 'node:path';

/** Where a chunk's bytes went: the columns of its index row that find them again. */
export interface ChunkPlace {
  file: string;
  byte_offset: number;
  byte_length: number;
  data: string;
}

/** Where chunk bytes live (embedded: files; at scale: the row). */
export interface ChunkBytes {
  /** Makes the bytes durable and says where they are. */
  write(siteId: string, recordingId: string, gzip: Buffer): Promise<ChunkPlace>;
  /** The bytes of an index row; null when they are gone (a purge that removed the file before the rows). */
  read(row: Record<string, unknown>): Promise<Buffer | null>;
  removeRecording(siteId: string, recordingId: string): Promise<void>;
  removeSite(siteId: string): Promise<void>;
}

const SAFE = /^[A-Za-z0-9_-]{1,64}$/;
function safe(id: string): string {
  if (!SAFE.test(id)) throw new Error(`unsafe id for a file name: ${id}`);
  return id;
}

/**
 * One append-only file per recording, `<dir>/<site>/<recording>.rrc`: chunks are appended and fsynced
 * before their index row is written, so an acknowledged chunk survives a crash; bytes written by a chunk
 * whose index row never came are unreachable and go with the file.
 */
export function fileChunkBytes(dir: string): ChunkBytes {
  const fileOf = (siteId: string, recordingId: string) => path.join(safe(siteId), `${safe(recordingId)}.rrc`);
  return {
    async write(siteId, recordingId, gzip) {
      const rel = fileOf(siteId, recordingId);
      const abs = path.join(dir, rel);
      await fs.promises.mkdir(path.dirname(abs), { recursive: true, mode: 0o700 });
      const fh = await fs.promises.open(abs, 'a', 0o600);
      try {
        const offset = (await fh.stat()).size;
        await fh.write(gzip, 0, gzip.length, offset);
        await fh.datasync();
        return { file: rel, byte_offset: offset, byte_length: gzip.length, data: '' };
      } finally {
        await fh.close();
      }
    },
    async read(row) {
      const len = Number(row.byte_length);
      let fh: fs.promises.FileHandle;
      try {
        fh = await fs.promises.open(path.join(dir, String(row.file)), 'r');
      } catch {
        return null;
      }
      try {
        const buf = Buffer.alloc(len);
        const { bytesRead } = await fh.read(buf, 0, len, Number(row.byte_offset));
        return bytesRead === len ? buf : null;
      } finally {
        await fh.close();
      }
    },
    async removeRecording(siteId, recordingId) {
      await fs.promises.rm(path.join(dir, fileOf(siteId, recordingId)), { force: true });
    },
    async removeSite(siteId) {
      await fs.promises.rm(path.join(dir, safe(siteId)), { recursive: true, force: true });
    },
  };
}

/** At scale the bytes are the row's `data` (base64): inserted with it, deleted with it. */
export function inlineChunkBytes(): ChunkBytes {
  return {
    write: async (_s, _r, gzip) => ({ file: '', byte_offset: 0, byte_length: gzip.length, data: gzip.toString('base64') }),
    read: async (row) => Buffer.from(String(row.data), 'base64'),
    removeRecording: async () => undefined,
    removeSite: async () => undefined,
  };
}
