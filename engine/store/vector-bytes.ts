/**
 * A chunk's vector as the store keeps it: float32 values, little-endian, back to back (a BLOB on
 * SQLite, bytea on Postgres). Float32 is what the HNSW index holds anyway, so nothing is lost.
 */
import os from 'node:os';
import { WeirError } from '../errors.ts';

/** Float32Array uses the machine's byte order: on a little-endian one its bytes are the stored form. */
const LITTLE_ENDIAN = os.endianness() === 'LE';

/** The stored bytes of `vector`, refused unless it has `dims` finite numbers (it is about to become every instance's). */
export function encodeVector(vector: ArrayLike<number>, dims: number, id?: number): Buffer {
  const where = id === undefined ? '' : ` (chunk ${id})`;
  if (vector.length !== dims) throw new WeirError('invalid_vector', `a vector has ${vector.length} dimensions${where}, the index holds ${dims}`, { status: 400 });
  const f = Float32Array.from(vector);
  for (let i = 0; i < f.length; i++) {
    // A finite double can still overflow float32 to Infinity.
    if (!Number.isFinite(f[i])) throw new WeirError('invalid_vector', `vector value ${i} is not a finite float32${where}`, { status: 400 });
  }
  if (LITTLE_ENDIAN) return Buffer.from(f.buffer, f.byteOffset, f.byteLength);
  const b = Buffer.allocUnsafe(f.length * 4);
  for (let i = 0; i < f.length; i++) b.writeFloatLE(f[i], i * 4);
  return b;
}

/** The vector of stored bytes (copied: a driver's buffer may be a slice of a bigger one, unaligned). */
export function decodeVector(bytes: Uint8Array): Float32Array {
  const n = Math.floor(bytes.byteLength / 4);
  if (LITTLE_ENDIAN) return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + n * 4));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const f = new Float32Array(n);
  for (let i = 0; i < n; i++) f[i] = view.getFloat32(i * 4, true);
  return f;
}
