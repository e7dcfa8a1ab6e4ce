/**
 * Opens the store the environment asks for: a server database when `databaseUrl` is given
 * (WEIR_DATABASE_URL), otherwise the embedded SQLite file under the data folder.
 */
import { WeirError } from '../errors.ts';
import { DB_FILE, openSqliteStore } from './sqlite/open.ts';
import type { OpenStoreOptions, Store } from './types.ts';

export { DB_FILE };

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  if (opts.databaseUrl === undefined || opts.databaseUrl === '') return openSqliteStore(opts);
  let scheme: string;
  try {
    scheme = new URL(opts.databaseUrl).protocol;
  } catch {
    throw new WeirError('invalid_config', 'WEIR_DATABASE_URL is not a URL (expected postgres://user:password@host:port/database)', { status: 500 });
  }
  if (scheme === 'postgres:' || scheme === 'postgresql:') {
    const { openPostgresStore } = await import('./postgres/open.ts');
    return openPostgresStore({ ...opts, databaseUrl: opts.databaseUrl });
  }
  throw new WeirError('invalid_config', `WEIR_DATABASE_URL has scheme "${scheme}"; only postgres:// is supported`, { status: 500 });
}
