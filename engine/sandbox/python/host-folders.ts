import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, type Dirent } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workerIdentity } from './python-runtime.ts';

/**
 * The temp folders the workers of this process use, under one base folder removed at exit. When
 * workers drop to `nobody`, the base is searchable but not listable by others (0711), a flow's code
 * folder is readable by nobody's group but owned by Weir (the tool cannot rewrite it), and each
 * worker's HOME is nobody's own. Otherwise every folder is 0700 and Weir's own.
 */
let base: string | undefined;

export function hostBase(): string {
  if (base) return base;
  removeStale();
  base = mkdtempSync(path.join(os.tmpdir(), `weir-python-${process.pid}-`));
  chmodSync(base, workerIdentity() ? 0o711 : 0o700);
  return base;
}

/**
 * A process killed without an exit event (SIGKILL, a test runner ending its workers) leaves its base
 * folder: the next process removes those whose process is gone.
 */
function removeStale(): void {
  try {
    for (const name of readdirSync(os.tmpdir())) {
      const m = /^weir-python-(\d+)-/.exec(name);
      if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
      rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
    }
  } catch {
    // Cleaning up after others is best effort.
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes every folder made here (at exit, or when the pools close). */
export function removeHostFolders(): void {
  if (!base) return;
  rmSync(base, { recursive: true, force: true });
  base = undefined;
}

let serial = 0;

/** Writes `files` (relative paths → text) into a new code folder and returns it. */
export function writeCodeFolder(files: Map<string, string>): string {
  const dir = path.join(hostBase(), `code-${++serial}`);
  mkdirSync(dir, { mode: 0o700 });
  for (const [rel, text] of files) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, text, { mode: 0o600 });
  }
  const drop = workerIdentity();
  if (drop) shareWithGroup(dir, drop.gid);
  return dir;
}

function shareWithGroup(dir: string, gid: number): void {
  const walk = (p: string, isDir: boolean): void => {
    chownSync(p, 0, gid);
    chmodSync(p, isDir ? 0o750 : 0o640);
  };
  const stack = [dir];
  walk(dir, true);
  while (stack.length) {
    const d = stack.pop()!;
    for (const entry of readdir(d)) {
      const p = path.join(d, entry.name);
      walk(p, entry.isDirectory());
      if (entry.isDirectory()) stack.push(p);
    }
  }
}

const readdir = (d: string): Dirent[] => readdirSync(d, { withFileTypes: true });

/** A private HOME (and TMPDIR) for one worker, owned by the uid it runs as. */
export function makeWorkerHome(): string {
  const dir = path.join(hostBase(), `home-${++serial}`);
  mkdirSync(dir, { mode: 0o700 });
  const drop = workerIdentity();
  if (drop) chownSync(dir, drop.uid, drop.gid);
  return dir;
}

export function removeFolder(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
