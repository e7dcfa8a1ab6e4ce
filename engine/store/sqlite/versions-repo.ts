import { and, asc, eq, max } from 'drizzle-orm';
import type { Db } from './db.ts';
import { IMMEDIATE } from './db.ts';
import { flowVersions } from './schema.ts';
import type { Store } from '../types.ts';
import type { Sync } from './async.ts';

export function versionsRepo(db: Db): Sync<Store['versions']> {
  return {
    list: (flow) => db.select().from(flowVersions).where(eq(flowVersions.flow, flow)).orderBy(asc(flowVersions.number)).all(),
    get: (flow, number) =>
      db.select().from(flowVersions).where(and(eq(flowVersions.flow, flow), eq(flowVersions.number, number))).get(),
    // The oldest match: publishing unchanged content must keep answering with the same version.
    byHash: (flow, hash) =>
      db
        .select()
        .from(flowVersions)
        .where(and(eq(flowVersions.flow, flow), eq(flowVersions.hash, hash)))
        .orderBy(asc(flowVersions.number))
        .limit(1)
        .get(),
    // BEGIN IMMEDIATE holds the write lock from the read of max(number) to the insert, so two
    // publishers (even in two processes) can never both take the same number.
    create: (row) =>
      db.transaction((tx) => {
        const last = tx.select({ n: max(flowVersions.number) }).from(flowVersions).where(eq(flowVersions.flow, row.flow)).get();
        return tx
          .insert(flowVersions)
          .values({ ...row, number: (last?.n ?? 0) + 1, createdAt: Date.now() })
          .returning()
          .get();
      }, IMMEDIATE),
  };
}
