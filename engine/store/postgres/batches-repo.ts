import { and, asc, desc, eq, gte, inArray } from 'drizzle-orm';
import type { BatchesPort } from '../batch-types.ts';
import type { Db } from './db.ts';
import { batchLines, batchRuns } from './batch-schema.ts';

export function batchesRepo(db: Db): BatchesPort {
  return {
    create: async (run, data) => {
      await db.transaction(async (tx) => {
        await tx.insert(batchRuns).values(run);
        // In chunks: a statement binds at most 65 535 parameters.
        for (let i = 0; i < data.length; i += 2000) {
          const rows = data.slice(i, i + 2000).map((d, k) => ({ batchId: run.id, lineNumber: i + k, status: 'pending' as const, data: d }));
          await tx.insert(batchLines).values(rows);
        }
      });
    },
    get: async (id) => (await db.select().from(batchRuns).where(eq(batchRuns.id, id)))[0],
    list: async (f) =>
      db.select().from(batchRuns).where(f.flow === undefined ? undefined : eq(batchRuns.flow, f.flow))
        .orderBy(desc(batchRuns.createdAt), desc(batchRuns.id)).limit(f.limit).offset(f.offset ?? 0),
    transition: async (id, from, patch) => ((await db.update(batchRuns).set(patch).where(and(eq(batchRuns.id, id), inArray(batchRuns.status, [...from])))).rowCount ?? 0) > 0,
    update: async (id, patch) => void (await db.update(batchRuns).set(patch).where(eq(batchRuns.id, id))),
    lines: async (id, offset, limit) =>
      db.select().from(batchLines).where(and(eq(batchLines.batchId, id), gte(batchLines.lineNumber, offset))).orderBy(asc(batchLines.lineNumber)).limit(limit),
    saveLines: async (id, rows) => {
      if (!rows.length) return;
      await db.transaction(async (tx) => {
        for (const { lineNumber, ...r } of rows) await tx.update(batchLines).set(r).where(and(eq(batchLines.batchId, id), eq(batchLines.lineNumber, lineNumber)));
      });
    },
  };
}
