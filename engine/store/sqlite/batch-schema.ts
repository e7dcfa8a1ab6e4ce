/** Batch runs' tables: one row per run, one per data line. See schema.ts. */
import { customType, index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { SerializedError } from '../../errors.ts';
import type { Usage } from '../../node-definition.ts';
import type { BatchLineStatus, BatchRunStatus } from '../batch-types.ts';
import { toJsonText } from './json.ts';

/** Values from users and nodes: never throws on BigInt or cycles (see schema.ts's userJson). */
const valueJson = customType<{ data: unknown; driverData: string }>({
  dataType: () => 'text',
  toDriver: (value) => toJsonText(value),
  fromDriver: (value) => JSON.parse(value) as unknown,
});

export const batchRuns = sqliteTable(
  'batch_runs',
  {
    id: text('id').primaryKey(),
    flow: text('flow').notNull(),
    version: integer('version'),
    status: text('status').$type<BatchRunStatus>().notNull(),
    columnMapping: valueJson('column_mapping').$type<Record<string, unknown>>().notNull(),
    earlierRun: text('earlier_run'),
    concurrency: integer('concurrency').notNull(),
    total: integer('total').notNull(),
    succeeded: integer('succeeded').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    metrics: text('metrics', { mode: 'json' }).$type<Record<string, number>>().notNull(),
    aggregation: valueJson('aggregation'),
    error: text('error', { mode: 'json' }).$type<SerializedError>(),
    usage: text('usage', { mode: 'json' }).$type<Usage>().notNull(),
    createdAt: integer('created_at').notNull(),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
    durationMs: real('duration_ms'),
  },
  (t) => [index('batch_runs_created').on(t.createdAt)],
);

export const batchLines = sqliteTable(
  'batch_lines',
  {
    batchId: text('batch_id').notNull(),
    lineNumber: integer('line_number').notNull(),
    status: text('status').$type<BatchLineStatus>().notNull(),
    data: valueJson('data').notNull(),
    inputs: valueJson('inputs').$type<Record<string, unknown>>(),
    outputs: valueJson('outputs').$type<Record<string, unknown>>(),
    error: text('error', { mode: 'json' }).$type<SerializedError>(),
    durationMs: real('duration_ms'),
    usage: text('usage', { mode: 'json' }).$type<Usage>(),
    aggregationInputs: valueJson('aggregation_inputs').$type<unknown[]>(),
  },
  (t) => [primaryKey({ columns: [t.batchId, t.lineNumber] })],
);
