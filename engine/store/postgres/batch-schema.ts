/** Batch runs' tables: one row per run, one per data line. See schema.ts. */
import { doublePrecision, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import type { SerializedError } from '../../errors.ts';
import type { Usage } from '../../node-definition.ts';
import type { BatchLineStatus, BatchRunStatus } from '../batch-types.ts';
import { int8, userJson } from './column-types.ts';

export const batchRuns = pgTable(
  'batch_runs',
  {
    id: text('id').primaryKey(),
    flow: text('flow').notNull(),
    version: integer('version'),
    status: text('status').$type<BatchRunStatus>().notNull(),
    columnMapping: userJson('column_mapping').$type<Record<string, unknown>>().notNull(),
    earlierRun: text('earlier_run'),
    concurrency: integer('concurrency').notNull(),
    total: integer('total').notNull(),
    succeeded: integer('succeeded').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    metrics: userJson('metrics').$type<Record<string, number>>().notNull(),
    aggregation: userJson('aggregation'),
    error: userJson('error').$type<SerializedError>(),
    usage: jsonb('usage').$type<Usage>().notNull(),
    createdAt: int8('created_at').notNull(),
    startedAt: int8('started_at'),
    finishedAt: int8('finished_at'),
    durationMs: doublePrecision('duration_ms'),
  },
  (t) => [index('batch_runs_created').on(t.createdAt)],
);

export const batchLines = pgTable(
  'batch_lines',
  {
    batchId: text('batch_id').notNull(),
    lineNumber: integer('line_number').notNull(),
    status: text('status').$type<BatchLineStatus>().notNull(),
    data: userJson('data').notNull(),
    inputs: userJson('inputs').$type<Record<string, unknown>>(),
    outputs: userJson('outputs').$type<Record<string, unknown>>(),
    error: userJson('error').$type<SerializedError>(),
    durationMs: doublePrecision('duration_ms'),
    usage: jsonb('usage').$type<Usage>(),
    aggregationInputs: userJson('aggregation_inputs').$type<unknown[]>(),
  },
  (t) => [primaryKey({ columns: [t.batchId, t.lineNumber] })],
);
