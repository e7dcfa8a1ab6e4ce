/**
 * A vector index on disk: `index.json` (the header: what the binary is, its size and sha256) naming
 * `vectors.<generation>.hnsw` (hnswlib's own format). See vector-index.ts for how they are written.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readFileSync, readSync } from 'node:fs';
import { WeirError } from '../errors.ts';

export const VECTOR_INDEX_FORMAT = 1;
export const HEADER = 'index.json';

export interface Header {
  format: number;
  space: 'cosine';
  dims: number;
  count: number;
  M: number;
  efConstruction: number;
  ef: number;
  generation: number;
  file: string;
  bytes: number;
  sha256: string;
  /** Ids marked deleted in the binary; hnswlib has no cheap way to list them. */
  deleted: number[];
}

export function readHeader(headerPath: string): Header {
  const corrupt = (why: string, cause?: unknown) =>
    new WeirError('index_corrupt', `vector index header ${headerPath} is corrupt: ${why}`, { status: 500, cause });
  let h: Header;
  try {
    h = JSON.parse(readFileSync(headerPath, 'utf8'));
  } catch (err) {
    throw corrupt(err instanceof Error ? err.message : String(err), err);
  }
  const posInt = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  if (!h || typeof h !== 'object') throw corrupt('not an object');
  if (h.format !== VECTOR_INDEX_FORMAT) throw corrupt(`unsupported format ${JSON.stringify(h.format)}`);
  if (h.space !== 'cosine') throw corrupt(`unsupported space ${JSON.stringify(h.space)}`);
  for (const k of ['dims', 'count', 'M', 'efConstruction', 'ef', 'generation', 'bytes'] as const)
    if (!posInt(h[k])) throw corrupt(`"${k}" is not a non-negative integer`);
  if (h.dims < 1) throw corrupt('"dims" is 0');
  // The file name must stay inside the directory.
  if (typeof h.file !== 'string' || !/^vectors\.\d+\.hnsw$/.test(h.file)) throw corrupt('"file" is not a vectors file name');
  if (typeof h.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(h.sha256)) throw corrupt('"sha256" is missing');
  if (!Array.isArray(h.deleted) || !h.deleted.every(posInt)) throw corrupt('"deleted" is not a list of ids');
  return h;
}

/** Streams the file so checking a large index does not hold a second copy of it in memory. */
export function sha256File(file: string): string {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(file, 'r');
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** sha256File without holding the event loop: ~0.3 s for a 100 000-vector index read in one go. */
export async function sha256FileAsync(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
