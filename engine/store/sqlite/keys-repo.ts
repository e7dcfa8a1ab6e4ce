import { timingSafeEqual } from 'node:crypto';
import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { WeirError } from '../../errors.ts';
import { sqliteCode, type Db } from './db.ts';
import { deploymentKeys, sharedKeys, type KeyRecord } from './schema.ts';
import type { KeyRow, SharedKeyRow, Store } from '../types.ts';
import type { Sync } from './async.ts';
import { KEY_SHAPE, newKey, sha256 } from '../shared.ts';

export { KEY_PREFIX } from '../shared.ts';

function toRow({ hash: _hash, ...row }: KeyRecord): KeyRow {
  return row;
}

/**
 * Deployment keys are random 256-bit secrets, so a single SHA-256 is as strong as any password
 * hash here and costs microseconds; only the hash is stored, looked up through a unique index.
 */
export function keysRepo(db: Db): Sync<Store['keys']> {
  const byHash = db
    .select({ id: deploymentKeys.id, deployment: deploymentKeys.deployment, hash: deploymentKeys.hash, revokedAt: deploymentKeys.revokedAt, expiresAt: deploymentKeys.expiresAt, rpm: deploymentKeys.rpm, tpm: deploymentKeys.tpm })
    .from(deploymentKeys)
    .where(eq(deploymentKeys.hash, sql.placeholder('hash')))
    .prepare();

  const sharedByHash = db
    .select({ id: sharedKeys.id, deployments: sharedKeys.deployments, hash: sharedKeys.hash, revokedAt: sharedKeys.revokedAt, expiresAt: sharedKeys.expiresAt, rpm: sharedKeys.rpm, tpm: sharedKeys.tpm })
    .from(sharedKeys)
    .where(eq(sharedKeys.hash, sql.placeholder('hash')))
    .prepare();
  const sharedRow = ({ hash: _hash, deployments, ...r }: typeof sharedKeys.$inferSelect): SharedKeyRow => ({ ...r, deployments: deployments ?? '*' });

  return {
    create: (deployment, name, opts = {}) => {
      const { secret, ...key } = newKey();
      const record: KeyRecord = { ...key, deployment, name, createdAt: Date.now(), revokedAt: null, expiresAt: opts.expiresAt ?? null, lastUsedAt: null, rpm: opts.rpm ?? null, tpm: opts.tpm ?? null };
      try {
        db.insert(deploymentKeys).values(record).run();
      } catch (err) {
        if (sqliteCode(err) === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
          throw new WeirError('deployment_not_found', `deployment "${deployment}" not found`, { status: 404, cause: err });
        }
        throw err;
      }
      return { row: toRow(record), secret };
    },
    list: (deployment) =>
      db.select().from(deploymentKeys).where(eq(deploymentKeys.deployment, deployment)).orderBy(asc(deploymentKeys.createdAt)).all().map(toRow),
    revoke: (deployment, id) =>
      db
        .update(deploymentKeys)
        .set({ revokedAt: Date.now() })
        .where(and(eq(deploymentKeys.deployment, deployment), eq(deploymentKeys.id, id), isNull(deploymentKeys.revokedAt)))
        .run().changes > 0,
    verify: (secret, now = Date.now()) => {
      if (!KEY_SHAPE.test(secret)) return undefined;
      const digest = sha256(secret);
      // The index lookup already matched; the constant-time compare keeps the final decision
      // independent of how many leading bytes agree, whatever the lookup did.
      const hash = digest.toString('hex');
      const own = byHash.get({ hash });
      const found = own ? { ...own, opens: [own.deployment] } : (() => {
        const k = sharedByHash.get({ hash });
        return k && { ...k, opens: k.deployments ?? ('*' as const) };
      })();
      if (!found || found.revokedAt !== null || !timingSafeEqual(Buffer.from(found.hash, 'hex'), digest)) return undefined;
      if (found.expiresAt !== null && found.expiresAt <= now) return undefined;
      return { keyId: found.id, opens: found.opens, expiresAt: found.expiresAt, rpm: found.rpm, tpm: found.tpm };
    },
    markUsed: (id, at) => {
      db.update(deploymentKeys).set({ lastUsedAt: at }).where(and(eq(deploymentKeys.id, id), or(isNull(deploymentKeys.lastUsedAt), lt(deploymentKeys.lastUsedAt, at)))).run();
      db.update(sharedKeys).set({ lastUsedAt: at }).where(and(eq(sharedKeys.id, id), or(isNull(sharedKeys.lastUsedAt), lt(sharedKeys.lastUsedAt, at)))).run();
    },
    createShared: (name, opts) => {
      const { secret, ...key } = newKey();
      const record = { ...key, name, deployments: opts.deployments === '*' ? null : [...opts.deployments], createdAt: Date.now(), revokedAt: null, expiresAt: opts.expiresAt ?? null, lastUsedAt: null, rpm: opts.rpm ?? null, tpm: opts.tpm ?? null };
      db.insert(sharedKeys).values(record).run();
      return { row: sharedRow(record), secret };
    },
    listShared: () => db.select().from(sharedKeys).orderBy(asc(sharedKeys.createdAt)).all().map(sharedRow),
    revokeShared: (id) => db.update(sharedKeys).set({ revokedAt: Date.now() }).where(and(eq(sharedKeys.id, id), isNull(sharedKeys.revokedAt))).run().changes > 0,
  };
}
