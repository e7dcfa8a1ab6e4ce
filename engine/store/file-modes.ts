/**
 * The database holds every flow, run input and output, key hash and sealed secret: like master.key it
 * is readable by its owner only. SQLite creates a database file with mode 0644 less the umask, and its
 * -wal and -shm files with the database file's own mode (it fchmods them to match), so the database
 * file is made 0600 before SQLite first opens it, and every one of the three is narrowed to 0600 when
 * found looser (files made by an older Weir, or copied in).
 */
import { chmodSync, closeSync, openSync, statSync } from 'node:fs';

export const PRIVATE_FILE = 0o600;
export const PRIVATE_DIR = 0o700;

/** Narrows an existing file to 0600 when group or others have any access; a missing file is left missing. */
export function narrowToOwner(file: string): void {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if ((mode & 0o077) !== 0) chmodSync(file, PRIVATE_FILE);
}

/** Creates `file` empty with mode 0600 when it does not exist (whatever the umask), else narrows it. */
export function ensurePrivateFile(file: string): void {
  try {
    closeSync(openSync(file, 'wx', PRIVATE_FILE));
    // The umask can only narrow the mode given to open; chmod makes it exact on odd systems too.
    chmodSync(file, PRIVATE_FILE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    narrowToOwner(file);
  }
}

/** The database file made private before SQLite opens it, and its WAL files if they are there. */
export function privateDatabaseFiles(dbFile: string): void {
  ensurePrivateFile(dbFile);
  narrowToOwner(`${dbFile}-wal`);
  narrowToOwner(`${dbFile}-shm`);
}
