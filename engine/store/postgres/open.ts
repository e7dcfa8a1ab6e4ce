/**
 * Opens the Postgres store (WEIR_DATABASE_URL=postgres://…): a small connection pool, migrated at
 * open, with every repository over it. Several Weir instances may open one database together:
 *
 * - Migrations run under a session advisory lock, so instances starting at once apply them one
 *   after the other (the later ones find nothing left to do) instead of racing on CREATE TABLE.
 * - Version numbers, connection secrets and documents are written under transaction locks (see
 *   their repositories), so concurrent writers from different instances queue rather than collide.
 * - The master key is NOT in the database: every instance must be given the same WEIR_MASTER_KEY
 *   (or the same master.key file in its data folder). An instance with another key cannot read the
 *   connection secrets the others sealed (`master_key_mismatch`).
 *
 * Weir's tables live in the `public` schema (the generated migrations name it in foreign keys),
 * and drizzle records the migrations applied in `drizzle.__drizzle_migrations`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { WeirError } from '../../errors.ts';
import { loadOrCreateMasterKey, parseMasterKey } from '../secrets.ts';
import type { OpenStoreOptions, Store } from '../types.ts';
import { connectionsRepo } from './connections-repo.ts';
import { dataRepo } from './data-repo.ts';
import { isTransient, LOCK, unwrapError, unwrapped } from './db.ts';
import { deploymentsRepo } from './deployments-repo.ts';
import { flowsRepo } from './flows-repo.ts';
import { jobsRepo } from './jobs-repo.ts';
import { keysRepo } from './keys-repo.ts';
import { modelsRepo } from './models-repo.ts';
import { pricesRepo, quotasRepo, safetyRepo } from './governance-repo.ts';
import { runsRepo } from './runs-repo.ts';
import { callsRepo } from './calls-repo.ts';
import { batchesRepo } from './batches-repo.ts';
import { monitorsRepo } from './monitors-repo.ts';
import { webAppsRepo } from './web-apps-repo.ts';
import { usageRepo } from './usage-repo.ts';
import { versionsRepo } from './versions-repo.ts';

/** Connections per instance: requests wait for a free one rather than pile up on the server. */
const POOL_SIZE = 10;
/** No statement of the store runs longer than this (a stuck query must not hold a connection forever). */
const STATEMENT_TIMEOUT_MS = 30_000;
/** A transaction left open by a bug or a stalled process is ended by the server after this. */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * From source the migrations sit beside this file; compiled to dist/engine/store/postgres/ they
 * don't (tsc copies no SQL), so fall back to the source tree next to dist/.
 */
export function migrationsFolder(): string {
  const candidates = [new URL('./migrations/', import.meta.url), new URL('../../../../engine/store/postgres/migrations/', import.meta.url)];
  for (const url of candidates) {
    const dir = fileURLToPath(url);
    if (existsSync(join(dir, 'meta', '_journal.json'))) return dir;
  }
  throw new WeirError('migrations_missing', `no database migrations found (looked in ${candidates.map((u) => fileURLToPath(u)).join(' and ')})`, {
    status: 500,
  });
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'WEIR_DATABASE_URL';
  }
}

/**
 * Applies the migrations not yet applied, holding a session advisory lock on a connection of its
 * own; the connection is closed afterwards, which also releases the lock should unlocking fail.
 */
async function migrateLocked(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    // Waiting for another instance's migration, or building an index on a big table, may take
    // longer than the pool's statement timeout.
    await client.query('SET statement_timeout = 0');
    await client.query(`SELECT pg_advisory_lock(${LOCK.migrate}, 0)`);
    await migrate(drizzle(client), { migrationsFolder: migrationsFolder() });
    await client.query(`SELECT pg_advisory_unlock(${LOCK.migrate}, 0)`);
  } finally {
    client.release(true);
  }
}

export async function openPostgresStore(opts: OpenStoreOptions & { databaseUrl: string }): Promise<Store> {
  // The data folder still holds each instance's caches (vector indexes), and master.key when no
  // WEIR_MASTER_KEY is given. The key is read first, so a bad one fails before anything else.
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const key = opts.masterKey !== undefined ? parseMasterKey(opts.masterKey, 'WEIR_MASTER_KEY') : loadOrCreateMasterKey(opts.dataDir);

  const pool = new pg.Pool({
    connectionString: opts.databaseUrl,
    max: POOL_SIZE,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'weir',
  });
  // An idle connection the server drops (restart, failover) is an event on the pool, not a crash;
  // the pool replaces it on next use.
  let closing: Promise<void> | undefined;
  pool.on('error', (err) => {
    if (!closing) console.error('weir store: idle database connection lost', err.message);
  });

  try {
    await migrateLocked(pool);
  } catch (err) {
    await pool.end().catch(() => {});
    const cause = unwrapError(err);
    if (isTransient(cause)) {
      throw new WeirError('database_unavailable', `cannot reach the database at ${redact(opts.databaseUrl)}: ${(cause as Error).message}`, { status: 503, cause });
    }
    throw cause;
  }

  const db = drizzle(pool);
  const runs = runsRepo(db, pool, opts.batchMs ?? 5);
  const { writer: _writer, close: _close, ...runsPort } = runs;
  return {
    flows: unwrapped(flowsRepo(db)),
    versions: unwrapped(versionsRepo(db)),
    deployments: unwrapped(deploymentsRepo(db)),
    models: unwrapped(modelsRepo(db)),
    quotas: unwrapped(quotasRepo(db)),
    prices: unwrapped(pricesRepo(db)),
    safety: unwrapped(safetyRepo(db)),
    keys: unwrapped(keysRepo(db)),
    // enqueue stays synchronous: a published call hands its record over and goes on.
    runs: unwrapped<Store['runs']>(runsPort),
    connections: unwrapped(connectionsRepo(db, key)),
    usage: unwrapped(usageRepo(db)),
    calls: unwrapped(callsRepo(db)),
    batches: unwrapped(batchesRepo(db)),
    monitors: unwrapped(monitorsRepo(db)),
    webApps: unwrapped(webAppsRepo(db)),
    data: unwrapped(dataRepo(db)),
    jobs: unwrapped(jobsRepo(db)),
    dir: opts.dataDir,
    kind: 'postgres',
    // Writes what is queued, then ends the pool; a second call waits for the first.
    close: () =>
      (closing ??= (async () => {
        try {
          await runs.close();
        } finally {
          await pool.end();
        }
      })()),
  };
}
