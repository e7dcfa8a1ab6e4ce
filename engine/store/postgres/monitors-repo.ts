import { and, asc, desc, eq, gte, isNull, lt, or } from 'drizzle-orm';
import type { Store } from '../types.ts';
import { bytewise, type Db } from './db.ts';
import { alerts, monitorScores, monitors } from './monitor-schema.ts';

export function monitorsRepo(db: Db): Store['monitors'] {
  return {
    list: async () => db.select().from(monitors).orderBy(asc(bytewise(monitors.deployment))),
    get: async (deployment) => (await db.select().from(monitors).where(eq(monitors.deployment, deployment)))[0],
    put: async (deployment, body) => {
      const updatedAt = Date.now();
      const [row] = await db.insert(monitors).values({ deployment, body, updatedAt }).onConflictDoUpdate({ target: monitors.deployment, set: { body, updatedAt } }).returning();
      return row!;
    },
    delete: async (deployment) => ((await db.delete(monitors).where(eq(monitors.deployment, deployment))).rowCount ?? 0) > 0,
    // One UPDATE: of instances checking the same monitor at once, one sees its row changed.
    claimCheck: async (deployment, at, dueBefore) =>
      ((await db.update(monitors).set({ checkedAt: at }).where(and(eq(monitors.deployment, deployment), or(isNull(monitors.checkedAt), lt(monitors.checkedAt, dueBefore))))).rowCount ?? 0) > 0,
    addScores: async (rows) => {
      // 5 000 rows of 7 values a statement: Postgres binds at most 65 535.
      for (let i = 0; i < rows.length; i += 5000) await db.insert(monitorScores).values(rows.slice(i, i + 5000));
    },
    scores: async (deployment, from, to) =>
      db
        .select({ deployment: monitorScores.deployment, callId: monitorScores.callId, evaluator: monitorScores.evaluator, score: monitorScores.score, passed: monitorScores.passed, error: monitorScores.error, at: monitorScores.at })
        .from(monitorScores)
        .where(and(eq(monitorScores.deployment, deployment), gte(monitorScores.at, from), lt(monitorScores.at, to)))
        .orderBy(asc(monitorScores.at), asc(monitorScores.seq)),
    addAlert: async (row) => void (await db.insert(alerts).values(row)),
    setDelivery: async (id, delivery) => void (await db.update(alerts).set({ delivery }).where(eq(alerts.id, id))),
    alerts: async (f) =>
      db
        .select()
        .from(alerts)
        .where(and(gte(alerts.at, f.from), f.deployment === undefined ? undefined : eq(alerts.deployment, f.deployment)))
        .orderBy(desc(alerts.at), desc(alerts.id))
        .limit(f.limit),
  };
}
