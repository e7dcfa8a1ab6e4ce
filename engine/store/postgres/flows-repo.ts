import { asc, eq } from 'drizzle-orm';
import { bytewise, type Db } from './db.ts';
import { flows, flowVersions } from './schema.ts';
import type { Store } from '../types.ts';

export function flowsRepo(db: Db): Store['flows'] {
  return {
    list: () => db.select().from(flows).orderBy(asc(bytewise(flows.name))),
    get: async (name) => (await db.select().from(flows).where(eq(flows.name, name)))[0],
    put: async (row) => {
      const now = Date.now();
      const [r] = await db
        .insert(flows)
        .values({ name: row.name, source: row.source, format: row.format, definition: row.definition, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({ target: flows.name, set: { source: row.source, format: row.format, definition: row.definition, updatedAt: now } })
        .returning();
      return r;
    },
    // Deleting a flow deletes what was published from it; the API refuses while a deployment uses it.
    delete: (name) =>
      db.transaction(async (tx) => {
        const gone = ((await tx.delete(flows).where(eq(flows.name, name))).rowCount ?? 0) > 0;
        if (gone) await tx.delete(flowVersions).where(eq(flowVersions.flow, name));
        return gone;
      }),
  };
}
