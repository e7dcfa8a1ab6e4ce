/**
 * The Postgres schema as code, table for table the SQLite one (../sqlite/schema.ts). drizzle-kit
 * generates engine/store/postgres/migrations/ from this file (`npm run db:generate`; the data
 * indexes' tables are in data-schema.ts, re-exported here); the generated SQL is committed and never
 * edited by hand.
 *
 * Times are epoch milliseconds in bigint columns (read back as JS numbers). JSON that users and
 * nodes write (flow definitions, run values, traces, events, record fields) is `json`: it keeps key
 * order as written and accepts "\u0000", where jsonb reorders keys and refuses that escape. JSON that
 * Weir itself writes (traffic, settings, tags, …) is `jsonb`.
 */
import {
  bigserial,
  doublePrecision,
  index,
  integer,
  json,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { SerializedError } from '../../errors.ts';
import type { Usage } from '../../node-definition.ts';
import type { ModelEntry } from '../../models/types.ts';
import type { JobError, JobStatus, ModelDeploymentOptions, StoredRunStatus, TrafficSplit } from '../types.ts';
import { bytea, int8, userJson } from './column-types.ts';

export const flows = pgTable('flows', {
  name: text('name').primaryKey(),
  source: text('source').notNull(),
  format: text('format').$type<'yaml' | 'json'>().notNull(),
  definition: json('definition').$type<unknown>().notNull(),
  createdAt: int8('created_at').notNull(),
  updatedAt: int8('updated_at').notNull(),
});

export const flowVersions = pgTable(
  'flow_versions',
  {
    flow: text('flow').notNull(),
    number: integer('number').notNull(),
    hash: text('hash').notNull(),
    message: text('message').notNull().default(''),
    author: text('author').notNull().default(''),
    source: text('source').notNull(),
    definition: json('definition').$type<unknown>().notNull(),
    createdAt: int8('created_at').notNull(),
  },
  (t) => [uniqueIndex('flow_versions_flow_number').on(t.flow, t.number), index('flow_versions_flow_hash').on(t.flow, t.hash)],
);

export const deployments = pgTable('deployments', {
  name: text('name').primaryKey(),
  kind: text('kind').$type<'flow' | 'model'>().notNull(),
  flow: text('flow'),
  /** Model deployments: the catalog id they serve, and how (context size, connection …). */
  model: text('model'),
  options: jsonb('options').$type<ModelDeploymentOptions>(),
  traffic: jsonb('traffic').$type<TrafficSplit[]>().notNull(),
  traceSampleRate: doublePrecision('trace_sample_rate').notNull().default(1),
  createdAt: int8('created_at').notNull(),
  updatedAt: int8('updated_at').notNull(),
});

/** Keys that open several deployments, or all of them (`deployments` null): see the SQLite schema. */
export const sharedKeys = pgTable(
  'shared_keys',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull().default(''),
    prefix: text('prefix').notNull(),
    hash: text('hash').notNull(),
    deployments: jsonb('deployments').$type<string[] | null>(),
    createdAt: int8('created_at').notNull(),
    revokedAt: int8('revoked_at'),
    expiresAt: int8('expires_at'),
    lastUsedAt: int8('last_used_at'),
    rpm: int8('rpm'),
    tpm: int8('tpm'),
  },
  (t) => [uniqueIndex('shared_keys_hash').on(t.hash)],
);

export const deploymentKeys = pgTable(
  'deployment_keys',
  {
    id: text('id').primaryKey(),
    deployment: text('deployment')
      .notNull()
      .references(() => deployments.name, { onDelete: 'cascade' }),
    name: text('name').notNull().default(''),
    prefix: text('prefix').notNull(),
    /** SHA-256 hex of the secret; the secret itself is never stored. */
    hash: text('hash').notNull(),
    createdAt: int8('created_at').notNull(),
    revokedAt: int8('revoked_at'),
    /** Refused from this time on (null: never). */
    expiresAt: int8('expires_at'),
    /** When a call last presented it (recorded at most about once a minute per instance). */
    lastUsedAt: int8('last_used_at'),
    /** Calls a minute it may make (null: no limit of its own). */
    rpm: int8('rpm'),
    /** Tokens a minute its calls may use (null: no limit of its own). */
    tpm: int8('tpm'),
  },
  (t) => [uniqueIndex('deployment_keys_hash').on(t.hash), index('deployment_keys_deployment').on(t.deployment)],
);

export const runs = pgTable(
  'runs',
  {
    id: text('id').primaryKey(),
    flow: text('flow').notNull(),
    version: integer('version'),
    deployment: text('deployment'),
    mode: text('mode').$type<'draft' | 'sync' | 'async'>().notNull(),
    status: text('status').$type<StoredRunStatus>().notNull(),
    inputs: userJson('inputs'),
    outputs: userJson('outputs').$type<Record<string, unknown> | null>(),
    error: userJson('error').$type<SerializedError | null>(),
    usage: userJson('usage').$type<Usage | null>(),
    startedAt: int8('started_at').notNull(),
    endedAt: int8('ended_at'),
    durationMs: doublePrecision('duration_ms'),
  },
  (t) => [
    index('runs_started').on(t.startedAt),
    index('runs_flow_started').on(t.flow, t.startedAt),
    index('runs_deployment_started').on(t.deployment, t.startedAt),
    index('runs_status_started').on(t.status, t.startedAt),
  ],
);

export const nodeTraces = pgTable(
  'node_traces',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    idx: integer('idx').notNull(),
    node: text('node').notNull(),
    type: text('type').notNull(),
    status: text('status').notNull(),
    startMs: doublePrecision('start_ms'),
    endMs: doublePrecision('end_ms'),
    attempts: integer('attempts').notNull().default(0),
    inputs: userJson('inputs'),
    output: userJson('output'),
    error: userJson('error').$type<SerializedError | null>(),
    skipReason: text('skip_reason'),
    usage: userJson('usage').$type<Usage | null>(),
    /** The node's `ctx.log` lines as serializeLogs gives them; null when it logged nothing (and in rows older than the column). */
    logs: userJson('logs').$type<object[] | null>(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.idx] })],
);

export const runEvents = pgTable(
  'run_events',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    data: userJson('data'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.seq] })],
);

export const connections = pgTable('connections', {
  name: text('name').primaryKey(),
  type: text('type').notNull(),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
  /** Names only (not secret), so listing works without decrypting anything. */
  secretNames: jsonb('secret_names').$type<string[]>().notNull(),
  /** AES-256-GCM: 12-byte IV, 16-byte tag, then the ciphertext of the secrets' JSON. */
  secrets: bytea('secrets'),
  createdAt: int8('created_at').notNull(),
  updatedAt: int8('updated_at').notNull(),
});

export const usageRecords = pgTable(
  'usage_records',
  {
    deployment: text('deployment').notNull(),
    /** '' when the call had no key (a primary key column cannot hold NULL). */
    keyId: text('key_id').notNull().default(''),
    /** Epoch minute: Math.floor(ms / 60000). */
    minute: int8('minute').notNull(),
    requests: int8('requests').notNull().default(0),
    promptTokens: int8('prompt_tokens').notNull().default(0),
    completionTokens: int8('completion_tokens').notNull().default(0),
    cost: doublePrecision('cost').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.deployment, t.keyId, t.minute] })],
);

/** One row per deployment call; `filtered` is the comma-joined list of what the policy filtered ('' for none). */
export const usageCalls = pgTable(
  'usage_calls',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    id: text('id').notNull(),
    at: int8('at').notNull(),
    deployment: text('deployment').notNull(),
    kind: text('kind').$type<'flow' | 'model'>().notNull(),
    keyId: text('key_id'),
    model: text('model'),
    promptTokens: int8('prompt_tokens').notNull(),
    completionTokens: int8('completion_tokens').notNull(),
    cost: doublePrecision('cost').notNull(),
    latencyMs: int8('latency_ms').notNull(),
    status: integer('status').notNull(),
    filtered: text('filtered').notNull(),
  },
  (t) => [index('usage_calls_at').on(t.at, t.seq), index('usage_calls_deployment_at').on(t.deployment, t.at)],
);

/** Models registered by the user (`weir models add`); the shipped catalog lives in code. */
export const models = pgTable('models', {
  id: text('id').primaryKey(),
  entry: jsonb('entry').$type<ModelEntry>().notNull(),
  createdAt: int8('created_at').notNull(),
});

/** Content-safety policies and custom blocklists by kind and name (their bodies are checked by engine/app/gateway/safety.ts). */
export const safetySettings = pgTable(
  'safety_settings',
  {
    kind: text('kind').$type<'policy' | 'blocklist'>().notNull(),
    name: text('name').notNull(),
    body: jsonb('body').$type<unknown>().notNull(),
    updatedAt: int8('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.name] })],
);

/** A model's price from a date on (the catalog's price applies before the first, and to models with none). */
export const modelPrices = pgTable(
  'model_prices',
  {
    model: text('model').notNull(),
    effectiveFrom: int8('effective_from').notNull(),
    inputPer1k: doublePrecision('input_per_1k'),
    outputPer1k: doublePrecision('output_per_1k'),
    perHour: doublePrecision('per_hour'),
  },
  (t) => [primaryKey({ columns: [t.model, t.effectiveFrom] })],
);

/** A model's tokens-per-minute pool, set by the operator; models without a row have the default pool. */
export const quotaPools = pgTable('quota_pools', {
  model: text('model').primaryKey(),
  tpm: int8('tpm').notNull(),
  updatedAt: int8('updated_at').notNull(),
});

/**
 * The local job queue (used when no Redis is configured): a job is claimed by one instance at a
 * time under a lease it renews; see the `jobs` port in ../types.ts for the rules.
 */
export const jobs = pgTable(
  'jobs',
  {
    /** Given by the caller, so enqueueing twice makes one job. */
    id: text('id').primaryKey(),
    queue: text('queue').notNull(),
    payload: userJson('payload'),
    status: text('status').$type<JobStatus>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    /** The instance holding the job. */
    owner: text('owner'),
    leaseUntil: int8('lease_until'),
    runAfter: int8('run_after').notNull(),
    timeoutMs: int8('timeout_ms').notNull(),
    result: userJson('result'),
    error: userJson('error').$type<JobError | null>(),
    createdAt: int8('created_at').notNull(),
    startedAt: int8('started_at'),
    finishedAt: int8('finished_at'),
  },
  (t) => [index('jobs_queue_status_run_after').on(t.queue, t.status, t.runAfter), index('jobs_status_lease_until').on(t.status, t.leaseUntil)],
);

export type JobRecord = typeof jobs.$inferSelect;
export type FlowRecord = typeof flows.$inferSelect;
export type KeyRecord = typeof deploymentKeys.$inferSelect;
export type RunRecord = typeof runs.$inferSelect;
export type NodeTraceRecord = typeof nodeTraces.$inferSelect;
export type ConnectionRecord = typeof connections.$inferSelect;

export * from './data-schema.ts';
export * from './monitor-schema.ts';
export * from './batch-schema.ts';
export * from './web-app-schema.ts';
