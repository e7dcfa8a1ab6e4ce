/** Monitors' tables: settings per deployment, the scores of sampled calls, and alerts. See schema.ts. */
import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const monitors = sqliteTable('monitors', {
  deployment: text('deployment').primaryKey(),
  body: text('body', { mode: 'json' }).$type<unknown>().notNull(),
  checkedAt: integer('checked_at'),
  updatedAt: integer('updated_at').notNull(),
});

export const monitorScores = sqliteTable(
  'monitor_scores',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    deployment: text('deployment').notNull(),
    callId: text('call_id').notNull(),
    evaluator: text('evaluator').notNull(),
    score: real('score'),
    /** 1 passed, 0 did not, null: no score. */
    passed: integer('passed', { mode: 'boolean' }),
    error: text('error'),
    at: integer('at').notNull(),
  },
  (t) => [index('monitor_scores_deployment_at').on(t.deployment, t.evaluator, t.at)],
);

export const alerts = sqliteTable(
  'alerts',
  {
    id: text('id').primaryKey(),
    deployment: text('deployment').notNull(),
    evaluator: text('evaluator').notNull(),
    metric: text('metric').$type<'pass_rate'>().notNull(),
    value: real('value').notNull(),
    threshold: real('threshold').notNull(),
    samples: integer('samples').notNull(),
    windowMs: integer('window_ms').notNull(),
    at: integer('at').notNull(),
    delivery: text('delivery'),
  },
  (t) => [index('alerts_at').on(t.at), index('alerts_deployment_at').on(t.deployment, t.at)],
);
