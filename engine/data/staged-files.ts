/**
 * The files of a data index, kept by content (SHA-256) under `<index dir>/files/`: a job reads its
 * files from here, so an upload survives a crash and the job resumes; re-indexing reads every
 * document again from here; the same bytes added twice (or under two names) are stored once.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WeirError } from '../errors.ts';
import { PRIVATE_DIR, PRIVATE_FILE } from '../store/file-modes.ts';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Where an index's uploaded files are kept, by content: a folder on the embedded store (below), the
 * database on a server one (app/data/store-files.ts), where every instance's jobs read them.
 */
export interface KeptFiles {
  /** Stores the bytes (once per content) and returns their hash. */
  put(bytes: Uint8Array): Promise<string>;
  has(hash: string): Promise<boolean>;
  /** The bytes, or a 422 `file_missing` naming the document. */
  read(hash: string, name: string): Promise<Uint8Array>;
  /** Deletes kept files no longer referenced. */
  prune(keep: Set<string>): Promise<void>;
}

/** A missing kept copy: the document must be added again. */
export function fileMissing(name: string, where: string, cause?: unknown): WeirError {
  return new WeirError('file_missing', `the stored copy of "${name}" is gone from ${where}; add the file again`, { status: 422, cause });
}

export class StagedFiles implements KeptFiles {
  constructor(readonly dir: string) {}

  async put(bytes: Uint8Array): Promise<string> {
    const hash = sha256(bytes);
    const file = path.join(this.dir, hash);
    if (!existsSync(file)) {
      // Uploaded documents are readable by their owner only, like the database that indexes them.
      mkdirSync(this.dir, { recursive: true, mode: PRIVATE_DIR });
      // Written aside then renamed: a crash never leaves a half file under a hash name.
      const tmp = `${file}.tmp-${process.pid}`;
      writeFileSync(tmp, bytes, { mode: PRIVATE_FILE });
      renameSync(tmp, file);
    }
    return hash;
  }

  async has(hash: string): Promise<boolean> {
    return existsSync(path.join(this.dir, hash));
  }

  async read(hash: string, name: string): Promise<Uint8Array> {
    try {
      return readFileSync(path.join(this.dir, hash));
    } catch (err) {
      throw fileMissing(name, this.dir, err);
    }
  }

  /** Deletes stored files no longer referenced (and temp files of crashed writes). */
  async prune(keep: Set<string>): Promise<void> {
    if (!existsSync(this.dir)) return;
    for (const f of readdirSync(this.dir)) if (!keep.has(f)) unlinkSync(path.join(this.dir, f));
  }
}
