import { asc, eq } from 'drizzle-orm';
import { WeirError } from '../../errors.ts';
import { IMMEDIATE, type Db } from './db.ts';
import { connections, type ConnectionRecord } from './schema.ts';
import { seal, unseal } from '../secrets.ts';
import type { ConnectionRow, Store } from '../types.ts';
import type { Sync } from './async.ts';
import { mergeSecrets } from '../shared.ts';

function toRow({ secrets: _sealed, ...row }: ConnectionRecord): ConnectionRow {
  return row;
}

function mismatch(name: string): WeirError {
  return new WeirError(
    'master_key_mismatch',
    `the secrets of connection "${name}" cannot be decrypted with this master key ` +
      '(was WEIR_MASTER_KEY or master.key changed?); restore the original key, or put the connection\'s secrets again',
    { status: 500 },
  );
}

/**
 * Connection secrets are sealed with AES-256-GCM under the master key, bound to the connection
 * name. Names are kept in the clear so list/get never need the key; values leave only via resolve.
 */
export function connectionsRepo(db: Db, key: Buffer): Sync<Store['connections']> {
  const decrypt = (r: ConnectionRecord): Record<string, string> => {
    if (!r.secrets) return {};
    const text = unseal(key, r.secrets, r.name);
    if (text === undefined) throw mismatch(r.name);
    return JSON.parse(text) as Record<string, string>;
  };
  const find = (name: string) => db.select().from(connections).where(eq(connections.name, name)).get();

  return {
    list: () => db.select().from(connections).orderBy(asc(connections.name)).all().map(toRow),
    get: (name) => {
      const r = find(name);
      return r && toRow(r);
    },
    resolve: (name) => {
      const r = find(name);
      return r && { name: r.name, type: r.type, settings: r.settings, secrets: decrypt(r) };
    },
    put: (row) =>
      db.transaction(() => {
        const existing = find(row.name);
        const { names, values: merged } = mergeSecrets(existing?.secretNames, () => decrypt(existing!), row.secrets);
        const sealed = names.length ? seal(key, JSON.stringify(merged), row.name) : null;
        const now = Date.now();
        const values = { type: row.type, settings: row.settings, secretNames: names, secrets: sealed, updatedAt: now };
        const r = db
          .insert(connections)
          .values({ name: row.name, ...values, createdAt: now })
          .onConflictDoUpdate({ target: connections.name, set: values })
          .returning()
          .get();
        return toRow(r);
      }, IMMEDIATE),
    delete: (name) => db.delete(connections).where(eq(connections.name, name)).run().changes > 0,
  };
}
