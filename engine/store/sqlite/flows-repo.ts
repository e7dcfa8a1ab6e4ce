import { asc, eq } from 'drizzle-orm';
import type { Db } from './db.ts';
import { IMMEDIATE } from './db.ts';
import { flows, flowVersions, type FlowRecord } from './schema.ts';
import type { FlowRow, Store } from '../types.ts';
import type { Sync } from './async.ts';

const toRow = (r: FlowRecord): FlowRow => r;

export function flowsRepo(db: Db): Sync<Store['flows']> {
  return {
    list: () => db.select().from(flows).orderBy(asc(flows.name)).all().map(toRow),
    get: (name) => {
      const r = db.select().from(flows).where(eq(flows.name, name)).get();
      return r && toRow(r);
    },
    put: (row) => {
      const now = Date.now();
      const r = db
        .insert(flows)
        .values({ name: row.name, source: row.source, format: row.format, definition: row.definition, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({ target: flows.name, set: { source: row.source, format: row.format, definition: row.definition, updatedAt: now } })
        .returning()
        .get();
      return toRow(r);
    },
    // Deleting a flow deletes what was published from it; the API refuses while a deployment uses it.
    delete: (name) =>
      db.transaction((tx) => {
        const gone = tx.delete(flows).where(eq(flows.name, name)).run().changes > 0;
        if (gone) tx.delete(flowVersions).where(eq(flowVersions.flow, name)).run();
        return gone;
      }, IMMEDIATE),
  };
}
