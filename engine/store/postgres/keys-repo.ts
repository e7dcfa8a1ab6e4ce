import { timingSafeEqual } from 'node:crypto';
import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { WeirError } from '../../errors.ts';
import { FOREIGN_KEY_VIOLATION, pgCode, type Db } from './db.ts';
import { deploymentKeys, sharedKeys, type KeyRecord } from './schema.ts';
import { KEY_SHAPE, newKey, sha256 } from '../shared.ts';
import type { KeyRow, SharedKeyRow, Store } from '../types.ts';

function toKeyRow({ hash: _hash, ...row }: KeyRecord): KeyRow {
  return row;
}

/** Only the SHA-256 of a key is stored (../shared.ts), looked up through a unique index. */
export function keysRepo(db: Db): Store['keys'] {
  const byHash = db
    .select({ id: deploymentKeys.id, deployment: deploymentKeys.deployment, hash: deploymentKeys.hash, revokedAt: deploymentKeys.revokedAt, expiresAt: deploymentKeys.expiresAt, rpm: deploymentKeys.rpm, tpm: deploymentKeys.tpm })
    .from(deploymentKeys)
    .where(eq(deploymentKeys.hash, sql.placeholder('hash')))
    .prepare('weir_key_by_hash');

  const sharedByHash = db
    .select({ id: sharedKeys.id, deployments: sharedKeys.deployments, hash: sharedKeys.hash, revokedAt: sharedKeys.revokedAt, expiresAt: sharedKeys.expiresAt, rpm: sharedKeys.rpm, tpm: sharedKeys.tpm })
    .from(sharedKeys)
    .where(eq(sharedKeys.hash, sql.placeholder('hash')))
    .prepare('weir_shared_key_by_hash');
  const sharedRow = ({ hash: _hash, deployments, ...r }: typeof sharedKeys.$inferSelect): SharedKeyRow => ({ ...r, deployments: deployments ?? '*' });

  return {
    create: async (deployment, name, opts = {}) => {
      const { secret, ...key } = newKey();
      const record: KeyRecord = { ...key, deployment, name, createdAt: Date.now(), revokedAt: null, expiresAt: opts.expiresAt ?? null, lastUsedAt: null, rpm: opts.rpm ?? null, tpm: opts.tpm ?? null };
      try {
        await db.insert(deploymentKeys).values(record);
      } catch (err) {
        if (pgCode(err) === FOREIGN_KEY_VIOLATION) {
          throw new WeirError('deployment_not_found', `deployment "${deployment}" not found`, { status: 404, cause: err });
        }
        throw err;
      }
      return { row: toKeyRow(record), secret };
    },
    list: async (deployment) =>
      (await db.select().from(deploymentKeys).where(eq(deploymentKeys.deployment, deployment)).orderBy(asc(deploymentKeys.createdAt))).map(toKeyRow),
    revoke: async (deployment, id) =>
      ((
        await db
          .update(deploymentKeys)
          .set({ revokedAt: Date.now() })
          .where(and(eq(deploymentKeys.deployment, deployment), eq(deploymentKeys.id, id), isNull(deploymentKeys.revokedAt)))
      ).rowCount ?? 0) > 0,
    verify: async (secret, now = Date.now()) => {
      if (!KEY_SHAPE.test(secret)) return undefined;
      const digest = sha256(secret);
      const hash = digest.toString('hex');
      const [own] = await byHash.execute({ hash });
      let found: { id: string; hash: string; revokedAt: number | null; expiresAt: number | null; rpm: number | null; tpm: number | null; opens: string[] | '*' } | undefined = own && { ...own, opens: [own.deployment] };
      if (!found) {
        const [k] = await sharedByHash.execute({ hash });
        found = k && { ...k, opens: k.deployments ?? '*' };
      }
      // The index lookup already matched; the constant-time compare keeps the final decision
      // independent of how many leading bytes agree, whatever the lookup did.
      if (!found || found.revokedAt !== null || !timingSafeEqual(Buffer.from(found.hash, 'hex'), digest)) return undefined;
      if (found.expiresAt !== null && found.expiresAt <= now) return undefined;
      return { keyId: found.id, opens: found.opens, expiresAt: found.expiresAt, rpm: found.rpm, tpm: found.tpm };
    },
    markUsed: async (id, at) => {
      await db.update(deploymentKeys).set({ lastUsedAt: at }).where(and(eq(deploymentKeys.id, id), or(isNull(deploymentKeys.lastUsedAt), lt(deploymentKeys.lastUsedAt, at))));
      await db.update(sharedKeys).set({ lastUsedAt: at }).where(and(eq(sharedKeys.id, id), or(isNull(sharedKeys.lastUsedAt), lt(sharedKeys.lastUsedAt, at))));
    },
    createShared: async (name, opts) => {
      const { secret, ...key } = newKey();
      const record = { ...key, name, deployments: opts.deployments === '*' ? null : [...opts.deployments], createdAt: Date.now(), revokedAt: null, expiresAt: opts.expiresAt ?? null, lastUsedAt: null, rpm: opts.rpm ?? null, tpm: opts.tpm ?? null };
      await db.insert(sharedKeys).values(record);
      return { row: sharedRow(record), secret };
    },
    listShared: async () => (await db.select().from(sharedKeys).orderBy(asc(sharedKeys.createdAt))).map(sharedRow),
    revokeShared: async (id) => ((await db.update(sharedKeys).set({ revokedAt: Date.now() }).where(and(eq(sharedKeys.id, id), isNull(sharedKeys.revokedAt)))).rowCount ?? 0) > 0,
  };
}
