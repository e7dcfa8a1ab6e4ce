import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

// No imports beyond node: here — vitest.config.ts reaches this file through test/setup/requirements.ts
// to decide which test groups can run, before anything else is loaded.

const DEBIAN_PG = '/usr/lib/postgresql';

/** The folder holding initdb and postgres: PG_BIN, else the newest Debian install, else undefined. */
export function findPgBin(): string | undefined {
  if (process.env.PG_BIN) return existsSync(path.join(process.env.PG_BIN, 'initdb')) ? process.env.PG_BIN : undefined;
  let versions: string[];
  try {
    versions = readdirSync(DEBIAN_PG);
  } catch {
    return undefined;
  }
  const newest = versions
    .filter((v) => /^\d+(\.\d+)?$/.test(v) && existsSync(path.join(DEBIAN_PG, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))[0];
  return newest === undefined ? undefined : path.join(DEBIAN_PG, newest, 'bin');
}

/** The full path of a command on PATH, or undefined. */
export function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}
