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

export class StagedFiles {
  constructor(readonly dir: string) {}

  /** Stores the bytes (once per content) and returns their hash. */
  put(bytes: Uint8Array): string {
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

  has(hash: string): boolean {
    return existsSync(path.join(this.dir, hash));
  }

  read(hash: string, name: string): Uint8Array {
    try {
      return readFileSync(path.join(this.dir, hash));
    } catch (err) {
      throw new WeirError('file_missing', `the stored copy of "${name}" is gone from ${this.dir}; add the file again`, { status: 422, cause: err });
    }
  }

  /** Deletes stored files no longer referenced (and temp files of crashed writes). */
  prune(keep: Set<string>): void {
    if (!existsSync(this.dir)) return;
    for (const f of readdirSync(this.dir)) if (!keep.has(f)) unlinkSync(path.join(this.dir, f));
  }
}
