import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WeirError } from '../../errors.ts';

/**
 * Where the Python runtime is: the interpreter, the bundled runner and stand-in package, and the uid a
 * worker drops to. Built, this file is dist/engine/sandbox/python/python-runtime.js and the .py files
 * stay in the source tree (engine/sandbox/python/runtime/), which ships with the package, as the
 * store's migrations do; so no build step copies them.
 */
function findRuntimeDir(): string {
  const candidates = [new URL('./runtime/', import.meta.url), new URL('../../../../engine/sandbox/python/runtime/', import.meta.url)];
  for (const c of candidates) {
    const dir = fileURLToPath(c);
    if (existsSync(path.join(dir, 'weir_runner.py'))) return dir.replace(/\/$/, '');
  }
  throw new WeirError('python_unavailable', 'the Python worker files (engine/sandbox/python/runtime/weir_runner.py) are missing from this installation', { status: 500 });
}

let runtimeDir: string | undefined;
export function pythonRuntimeDir(): string {
  if (runtimeDir) return runtimeDir;
  const dir = findRuntimeDir();
  // Workers that drop to nobody read the runner from here: an install under a private folder (/root) cannot work.
  if (workerIdentity() && !othersCanRun(path.join(dir, 'weir_runner.py'), 0o004)) {
    throw new WeirError('python_unavailable', `the Python worker files in ${dir} are not readable by the user nobody, whom workers run as when Weir runs as root: install Weir where others can read it (chmod o+rX on the folders)`, { status: 503 });
  }
  return (runtimeDir = dir);
}

export const runnerScript = (): string => path.join(pythonRuntimeDir(), 'weir_runner.py');
export const standInDir = (): string => path.join(pythonRuntimeDir(), 'stand-in');

/** The uid/gid a worker runs as: `nobody` when Weir runs as root (so the OS refuses its 0600 files), else none. */
export interface DropTo {
  uid: number;
  gid: number;
}

let dropTo: DropTo | null | undefined;
export function workerIdentity(): DropTo | null {
  if (dropTo !== undefined) return dropTo;
  dropTo = null;
  if (process.getuid?.() !== 0) return dropTo;
  try {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('nobody:'));
    const [, , uid, gid] = line?.split(':') ?? [];
    if (uid && gid) dropTo = { uid: Number(uid), gid: Number(gid) };
  } catch {
    // No passwd file: 65534 is nobody on every Linux distribution Weir targets.
  }
  dropTo ??= { uid: 65534, gid: 65534 };
  return dropTo;
}

/** Whether "others" (the dropped uid) reach `file` with `bits` (r-x for a program): every folder on the way searchable. */
function othersCanRun(file: string, bits = 0o005): boolean {
  try {
    if ((statSync(file).mode & bits) !== bits) return false;
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      if ((statSync(dir).mode & 0o001) === 0) return false;
      if (dir === path.dirname(dir)) return true;
    }
  } catch {
    return false;
  }
}

/** The real interpreter behind a name on PATH (pyenv shims are shell scripts that need the host's env). */
function realExecutable(candidate: string): string | undefined {
  try {
    const out = execFileSync(candidate, ['-I', '-S', '-c', 'import sys; print(sys.executable); print(sys.version_info >= (3, 8))'], {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const [exe, recent] = out.trim().split('\n');
    return exe && recent === 'True' ? exe : undefined;
  } catch {
    return undefined;
  }
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

let python: string | undefined;

/**
 * The python3 a worker runs: WEIR_PYTHON, else python3 on PATH, else Debian's /usr/bin/python3 —
 * resolved to the real binary, and one the dropped uid can run when workers drop to `nobody`.
 */
export function pythonExecutable(): string {
  if (python) return python;
  const names = process.env.WEIR_PYTHON ? [process.env.WEIR_PYTHON] : [onPath('python3'), '/usr/bin/python3'];
  const drop = workerIdentity();
  for (const name of names) {
    if (!name || !existsSync(name)) continue;
    const exe = realExecutable(name);
    if (exe && (!drop || othersCanRun(exe))) return (python = exe);
  }
  throw new WeirError(
    'python_unavailable',
    `no python3 (3.8 or newer${drop ? ' that the user nobody can run' : ''}) was found${process.env.WEIR_PYTHON ? ` at WEIR_PYTHON=${process.env.WEIR_PYTHON}` : ' on PATH'}: Python tools need it — apt-get install python3`,
    { status: 503 },
  );
}
