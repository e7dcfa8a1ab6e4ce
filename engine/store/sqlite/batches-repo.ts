import { and, asc, desc, eq, gte, inArray } from 'drizzle-orm';
import type { BatchesPort } from '../batch-types.ts';
import type { Sync } from './async.ts';
import type { Db } from './db.ts';
import { batchLines, batchRuns } from './batch-schema.ts';

export function batchesRepo(db: Db): Sync<BatchesPort> {
  return {
    create: (run, data) => {
      db.transaction((tx) => {
        tx.insert(batchRuns).values(run).run();
        // In chunks: SQLite binds at most 32 766 values per statement.
        for (let i = 0; i < data.length; i += 1000) {
          const rows = data.slice(i, i + 1000).map((d, k) => ({ batchId: run.id, lineNumber: i + k, status: 'pending' as const, data: d }));
          tx.insert(batchLines).values(rows).run();
        }
      });
    },
    get: (id) => db.select().from(batchRuns).where(eq(batchRuns.id, id)).get(),
    list: (f) =>
      db.select().from(batchRuns).where(f.flow === undefined ? undefined : eq(batchRuns.flow, f.flow))
        .orderBy(desc(batchRuns.createdAt), desc(batchRuns.id)).limit(f.limit).offset(f.offset ?? 0).all(),
    transition: (id, from, patch) => db.update(batchRuns).set(patch).where(and(eq(batchRuns.id, id), inArray(batchRuns.status, [...from]))).run().changes > 0,
    update: (id, patch) => void db.update(batchRuns).set(patch).where(eq(batchRuns.id, id)).run(),
    lines: (id, offset, limit) =>
      db.select().from(batchLines).where(and(eq(batchLines.batchId, id), gte(batchLines.lineNumber, offset))).orderBy(asc(batchLines.lineNumber)).limit(limit).all(),
    saveLines: (id, rows) => {
      db.transaction((tx) => {
        for (const { lineNumber, ...r } of rows) tx.update(batchLines).set(r).where(and(eq(batchLines.batchId, id), eq(batchLines.lineNumber, lineNumber))).run();
      });
    },
  };
}
