/**
 * Opens the SQLite store: one weir.db file in WAL mode in the data folder, migrated at open,
 * with every repository over one connection (better-sqlite3 is synchronous, so one is enough).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { WeirError } from '../../errors.ts';
import { connectionsRepo } from './connections-repo.ts';
import { dataRepo } from './data-repo.ts';
import { narrowToOwner, privateDatabaseFiles } from '../file-modes.ts';
import { deploymentsRepo } from './deployments-repo.ts';
import { flowsRepo } from './flows-repo.ts';
import { jobsRepo } from './jobs-repo.ts';
import { keysRepo } from './keys-repo.ts';
import { modelsRepo } from './models-repo.ts';
import { pricesRepo, quotasRepo, safetyRepo } from './governance-repo.ts';
import { runsRepo } from './runs-repo.ts';
import { loadOrCreateMasterKey, parseMasterKey } from '../secrets.ts';
import type { OpenStoreOptions, Store } from '../types.ts';
import { toAsync } from './async.ts';
import { callsRepo } from './calls-repo.ts';
import { batchesRepo } from './batches-repo.ts';
import { monitorsRepo } from './monitors-repo.ts';
import { webAppsRepo } from './web-apps-repo.ts';
import { usageRepo } from './usage-repo.ts';
import { versionsRepo } from './versions-repo.ts';

export const DB_FILE = 'weir.db';

/**
 * From source the migrations sit beside this file; compiled to dist/engine/store/ they don't
 * (tsc copies no SQL), so fall back to the source tree next to dist/.
 */
export function migrationsFolder(): string {
  const candidates = [new URL('./migrations/', import.meta.url), new URL('../../../../engine/store/sqlite/migrations/', import.meta.url)];
  for (const url of candidates) {
    const dir = fileURLToPath(url);
    if (existsSync(join(dir, 'meta', '_journal.json'))) return dir;
  }
  throw new WeirError('migrations_missing', `no database migrations found (looked in ${candidates.map((u) => fileURLToPath(u)).join(' and ')})`, {
    status: 500,
  });
}

export function openSqliteStore(opts: OpenStoreOptions): Store {
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  // Read the key before touching the database, so a bad WEIR_MASTER_KEY fails before anything else.
  const key = opts.masterKey !== undefined ? parseMasterKey(opts.masterKey, 'WEIR_MASTER_KEY') : loadOrCreateMasterKey(opts.dataDir);

  const file = join(opts.dataDir, DB_FILE);
  privateDatabaseFiles(file);
  const sqlite = new Database(file);
  try {
    sqlite.pragma('journal_mode = WAL');
    // In WAL mode NORMAL never corrupts the database; a power cut may only lose the last commits.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    const db = drizzle(sqlite);
    migrate(db, { migrationsFolder: migrationsFolder() });
    // SQLite made -wal and -shm (at the first write) with the database file's mode; should a system's
    // SQLite not do so, they are narrowed here, after that first write.
    narrowToOwner(`${file}-wal`);
    narrowToOwner(`${file}-shm`);

    const runs = runsRepo(db, opts.batchMs ?? 5);
    let closed = false;
    return {
      flows: toAsync(flowsRepo(db)),
      versions: toAsync(versionsRepo(db)),
      deployments: toAsync(deploymentsRepo(db)),
      models: toAsync(modelsRepo(db)),
      quotas: toAsync(quotasRepo(db)),
      prices: toAsync(pricesRepo(db)),
      safety: toAsync(safetyRepo(db)),
      keys: toAsync(keysRepo(db)),
      // enqueue stays synchronous: a published call hands its record over and goes on.
      runs: { ...toAsync<Store['runs']>(runs), enqueue: runs.enqueue },
      connections: toAsync(connectionsRepo(db, key)),
      usage: toAsync(usageRepo(db)),
      calls: toAsync(callsRepo(db)),
      batches: toAsync(batchesRepo(db)),
      monitors: toAsync(monitorsRepo(db)),
      webApps: toAsync(webAppsRepo(db)),
      data: toAsync(dataRepo(db)),
      jobs: toAsync(jobsRepo(db)),
      dir: opts.dataDir,
    kind: 'sqlite',
      close: async () => {
        if (closed) return;
        closed = true;
        try {
          runs.close();
        } finally {
          sqlite.close();
        }
      },
    };
  } catch (err) {
    sqlite.close();
    throw err;
  }
}
