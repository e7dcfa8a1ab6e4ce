import { and, asc, desc, eq, gte, isNull, lt, or } from 'drizzle-orm';
import type { Store } from '../types.ts';
import type { Sync } from './async.ts';
import type { Db } from './db.ts';
import { alerts, monitorScores, monitors } from './monitor-schema.ts';

export function monitorsRepo(db: Db): Sync<Store['monitors']> {
  return {
    list: () => db.select().from(monitors).orderBy(asc(monitors.deployment)).all(),
    get: (deployment) => db.select().from(monitors).where(eq(monitors.deployment, deployment)).get(),
    put: (deployment, body) => {
      const updatedAt = Date.now();
      return db.insert(monitors).values({ deployment, body, updatedAt }).onConflictDoUpdate({ target: monitors.deployment, set: { body, updatedAt } }).returning().get();
    },
    delete: (deployment) => db.delete(monitors).where(eq(monitors.deployment, deployment)).run().changes > 0,
    claimCheck: (deployment, at, dueBefore) =>
      db.update(monitors).set({ checkedAt: at }).where(and(eq(monitors.deployment, deployment), or(isNull(monitors.checkedAt), lt(monitors.checkedAt, dueBefore)))).run().changes > 0,
    addScores: (rows) => {
      // 500 rows of 7 values a statement: SQLite binds at most 32 766.
      if (rows.length) db.transaction((tx) => {
        for (let i = 0; i < rows.length; i += 500) tx.insert(monitorScores).values(rows.slice(i, i + 500)).run();
      });
    },
    scores: (deployment, from, to) =>
      db
        .select({ deployment: monitorScores.deployment, callId: monitorScores.callId, evaluator: monitorScores.evaluator, score: monitorScores.score, passed: monitorScores.passed, error: monitorScores.error, at: monitorScores.at })
        .from(monitorScores)
        .where(and(eq(monitorScores.deployment, deployment), gte(monitorScores.at, from), lt(monitorScores.at, to)))
        .orderBy(asc(monitorScores.at), asc(monitorScores.seq))
        .all(),
    addAlert: (row) => void db.insert(alerts).values(row).run(),
    setDelivery: (id, delivery) => void db.update(alerts).set({ delivery }).where(eq(alerts.id, id)).run(),
    alerts: (f) =>
      db
        .select()
        .from(alerts)
        .where(and(gte(alerts.at, f.from), f.deployment === undefined ? undefined : eq(alerts.deployment, f.deployment)))
        .orderBy(desc(alerts.at), desc(alerts.id))
        .limit(f.limit)
        .all(),
  };
}
