import { asc, eq } from 'drizzle-orm';
import { WeirError } from '../../errors.ts';
import { bytewise, LOCK, xactLock, type Db } from './db.ts';
import { connections, type ConnectionRecord } from './schema.ts';
import { seal, unseal } from '../secrets.ts';
import type { ConnectionRow, Store } from '../types.ts';
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
 * Every instance on one database must be given the same master key (WEIR_MASTER_KEY): a secret put
 * through one instance is sealed with its key and read by all the others.
 */
export function connectionsRepo(db: Db, key: Buffer): Store['connections'] {
  const decrypt = (r: ConnectionRecord): Record<string, string> => {
    if (!r.secrets) return {};
    const text = unseal(key, r.secrets, r.name);
    if (text === undefined) throw mismatch(r.name);
    return JSON.parse(text) as Record<string, string>;
  };
  const find = async (q: Pick<Db, 'select'>, name: string) => (await q.select().from(connections).where(eq(connections.name, name)))[0];

  return {
    list: async () => (await db.select().from(connections).orderBy(asc(bytewise(connections.name)))).map(toRow),
    get: async (name) => {
      const r = await find(db, name);
      return r && toRow(r);
    },
    resolve: async (name) => {
      const r = await find(db, name);
      return r && { name: r.name, type: r.type, settings: r.settings, secrets: decrypt(r) };
    },
    // Secrets are merged (read, decrypt, change, seal): two instances putting secrets of one
    // connection at once queue on an advisory lock for its name, so neither loses the other's.
    put: (row) =>
      db.transaction(async (tx) => {
        await tx.execute(xactLock(LOCK.connections, row.name));
        const existing = await find(tx, row.name);
        const { names, values: merged } = mergeSecrets(existing?.secretNames, () => decrypt(existing!), row.secrets);
        const sealed = names.length ? seal(key, JSON.stringify(merged), row.name) : null;
        const now = Date.now();
        const values = { type: row.type, settings: row.settings, secretNames: names, secrets: sealed, updatedAt: now };
        const [r] = await tx
          .insert(connections)
          .values({ name: row.name, ...values, createdAt: now })
          .onConflictDoUpdate({ target: connections.name, set: values })
          .returning();
        return toRow(r);
      }),
    delete: async (name) => ((await db.delete(connections).where(eq(connections.name, name))).rowCount ?? 0) > 0,
  };
}
