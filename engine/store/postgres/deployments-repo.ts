import { asc, eq, sql } from 'drizzle-orm';
import { WeirError } from '../../errors.ts';
import { bytewise, pgCode, UNIQUE_VIOLATION, type Db } from './db.ts';
import { deployments } from './schema.ts';
import type { Store } from '../types.ts';

export function deploymentsRepo(db: Db): Store['deployments'] {
  // Every published call looks its deployment up: a named statement, parsed once per connection.
  const byName = db.select().from(deployments).where(eq(deployments.name, sql.placeholder('name'))).prepare('weir_deployment_by_name');
  return {
    list: () => db.select().from(deployments).orderBy(asc(bytewise(deployments.name))),
    get: async (name) => (await byName.execute({ name }))[0],
    create: async (row) => {
      const now = Date.now();
      try {
        const [r] = await db
          .insert(deployments)
          .values({ name: row.name, kind: row.kind, flow: row.flow, model: row.model ?? null, options: row.options ?? null, traffic: row.traffic, traceSampleRate: row.traceSampleRate, createdAt: now, updatedAt: now })
          .returning();
        return r;
      } catch (err) {
        if (pgCode(err) === UNIQUE_VIOLATION) {
          throw new WeirError('deployment_exists', `deployment "${row.name}" already exists`, { status: 409, cause: err });
        }
        throw err;
      }
    },
    update: async (name, patch) => {
      const set: Partial<typeof deployments.$inferInsert> = { updatedAt: Date.now() };
      if (patch.traffic !== undefined) set.traffic = patch.traffic;
      if (patch.traceSampleRate !== undefined) set.traceSampleRate = patch.traceSampleRate;
      if (patch.options !== undefined) set.options = patch.options;
      return (await db.update(deployments).set(set).where(eq(deployments.name, name)).returning())[0];
    },
    // Its keys go with it (foreign key, on delete cascade); its runs and usage stay as history.
    delete: async (name) => ((await db.delete(deployments).where(eq(deployments.name, name))).rowCount ?? 0) > 0,
  };
}
