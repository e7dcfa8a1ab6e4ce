import { and, asc, eq, max } from 'drizzle-orm';
import { LOCK, xactLock, type Db } from './db.ts';
import { flowVersions } from './schema.ts';
import type { Store } from '../types.ts';

export function versionsRepo(db: Db): Store['versions'] {
  return {
    list: (flow) => db.select().from(flowVersions).where(eq(flowVersions.flow, flow)).orderBy(asc(flowVersions.number)),
    get: async (flow, number) => (await db.select().from(flowVersions).where(and(eq(flowVersions.flow, flow), eq(flowVersions.number, number))))[0],
    // The oldest match: publishing unchanged content must keep answering with the same version.
    byHash: async (flow, hash) =>
      (
        await db
          .select()
          .from(flowVersions)
          .where(and(eq(flowVersions.flow, flow), eq(flowVersions.hash, hash)))
          .orderBy(asc(flowVersions.number))
          .limit(1)
      )[0],
    // Instances publishing the same flow at once queue on an advisory lock for that flow, held from
    // the read of max(number) to the commit, so no two ever take the same number (the unique index
    // on (flow, number) would refuse it anyway). Other flows are not held up.
    create: (row) =>
      db.transaction(async (tx) => {
        await tx.execute(xactLock(LOCK.versions, row.flow));
        const [last] = await tx.select({ n: max(flowVersions.number) }).from(flowVersions).where(eq(flowVersions.flow, row.flow));
        const [created] = await tx
          .insert(flowVersions)
          .values({ ...row, number: (last?.n ?? 0) + 1, createdAt: Date.now() })
          .returning();
        return created;
      }),
  };
}
