import { asc, eq, sql } from 'drizzle-orm';
import { WeirError } from '../../errors.ts';
import { sqliteCode, type Db } from './db.ts';
import { deployments } from './schema.ts';
import type { Store } from '../types.ts';
import type { Sync } from './async.ts';

export function deploymentsRepo(db: Db): Sync<Store['deployments']> {
  // Every published call looks its deployment up.
  const byName = db.select().from(deployments).where(eq(deployments.name, sql.placeholder('name'))).prepare();
  return {
    list: () => db.select().from(deployments).orderBy(asc(deployments.name)).all(),
    get: (name) => byName.get({ name }),
    create: (row) => {
      const now = Date.now();
      try {
        return db
          .insert(deployments)
          .values({ name: row.name, kind: row.kind, flow: row.flow, model: row.model ?? null, options: row.options ?? null, traffic: row.traffic, traceSampleRate: row.traceSampleRate, createdAt: now, updatedAt: now })
          .returning()
          .get();
      } catch (err) {
        if (sqliteCode(err) === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
          throw new WeirError('deployment_exists', `deployment "${row.name}" already exists`, { status: 409, cause: err });
        }
        throw err;
      }
    },
    update: (name, patch) => {
      const set: Partial<typeof deployments.$inferInsert> = { updatedAt: Date.now() };
      if (patch.traffic !== undefined) set.traffic = patch.traffic;
      if (patch.traceSampleRate !== undefined) set.traceSampleRate = patch.traceSampleRate;
      if (patch.options !== undefined) set.options = patch.options;
      return db.update(deployments).set(set).where(eq(deployments.name, name)).returning().get();
    },
    // Its keys go with it (foreign key, on delete cascade); its runs and usage stay as history.
    delete: (name) => db.delete(deployments).where(eq(deployments.name, name)).run().changes > 0,
  };
}

