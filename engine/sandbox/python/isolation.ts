import path from 'node:path';
import { standInDir } from './python-runtime.ts';

/**
 * What a worker may not reach, and the environment it gets. Weir's data folder and master key are
 * refused by the worker's audit hook; the host names them here (the server calls
 * `denyToPython(dataDir)` when it opens a workspace; the default data folder is always denied).
 */
const denied = new Set<string>();

/** Refuses `dir` (and everything under it) to Python tools, from the next worker started. */
export function denyToPython(dir: string): void {
  denied.add(path.resolve(dir));
}

export function deniedPaths(): string[] {
  const home = path.resolve(process.env.WEIR_HOME ?? '.weir');
  const out = new Set([...denied, home]);
  for (const dir of [...out]) out.add(path.join(dir, 'master.key'));
  return [...out];
}

/** PATH for a worker: system folders only, never the host's (which may hold Weir's own tools). */
const SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * The whole environment of a worker. Nothing of Weir's own is passed: no WEIR_* setting, no master
 * key, no database URL, no token. PYTHONPATH is informative only: `-I` makes python3 ignore it, and
 * the runner puts the same folders on sys.path itself.
 */
export function workerEnv(home: string, sitePackages: string[]): Record<string, string> {
  return {
    PATH: SYSTEM_PATH,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    HOME: home,
    TMPDIR: home,
    PYTHONPATH: [standInDir(), ...sitePackages].join(path.delimiter),
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONIOENCODING: 'utf-8',
  };
}
