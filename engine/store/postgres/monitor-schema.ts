/** Monitors' tables: settings per deployment, the scores of sampled calls, and alerts. See schema.ts. */
import { bigserial, boolean, doublePrecision, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { int8 } from './column-types.ts';

export const monitors = pgTable('monitors', {
  deployment: text('deployment').primaryKey(),
  body: jsonb('body').$type<unknown>().notNull(),
  checkedAt: int8('checked_at'),
  updatedAt: int8('updated_at').notNull(),
});

export const monitorScores = pgTable(
  'monitor_scores',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    deployment: text('deployment').notNull(),
    callId: text('call_id').notNull(),
    evaluator: text('evaluator').notNull(),
    score: doublePrecision('score'),
    passed: boolean('passed'),
    error: text('error'),
    at: int8('at').notNull(),
  },
  (t) => [index('monitor_scores_deployment_at').on(t.deployment, t.evaluator, t.at)],
);

export const alerts = pgTable(
  'alerts',
  {
    id: text('id').primaryKey(),
    deployment: text('deployment').notNull(),
    evaluator: text('evaluator').notNull(),
    metric: text('metric').$type<'pass_rate'>().notNull(),
    value: doublePrecision('value').notNull(),
    threshold: doublePrecision('threshold').notNull(),
    samples: int8('samples').notNull(),
    windowMs: int8('window_ms').notNull(),
    at: int8('at').notNull(),
    delivery: text('delivery'),
  },
  (t) => [index('alerts_at').on(t.at), index('alerts_deployment_at').on(t.deployment, t.at)],
);
