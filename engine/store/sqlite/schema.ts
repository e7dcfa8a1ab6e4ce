/**
 * The SQLite schema as code. drizzle-kit generates engine/store/sqlite/migrations/ from this file
 * (`npm run db:generate`); the generated SQL is committed and never edited by hand.
 * Times are epoch milliseconds in integer columns.
 */
import { blob, customType, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { SerializedError } from '../../errors.ts';
import type { Usage } from '../../node-definition.ts';
import type { ModelEntry } from '../../models/types.ts';
import type { JobError, JobStatus, ModelDeploymentOptions, StoredRunStatus, TrafficSplit } from '../types.ts';
import { toJsonText } from './json.ts';

/**
 * JSON text for values that come from users and nodes (run inputs, outputs, traces, events).
 * Unlike `text({ mode: 'json' })` it never throws on BigInt or cycles: those become a note,
 * and the value is stringified once on the hot write path instead of being checked first.
 */
const userJson = customType<{ data: unknown; driverData: string }>({
  dataType: () => 'text',
  toDriver: (value) => toJsonText(value),
  fromDriver: (value) => JSON.parse(value) as unknown,
});

export const flows = sqliteTable('flows', {
  name: text('name').primaryKey(),
  source: text('source').notNull(),
  format: text('format').$type<'yaml' | 'json'>().notNull(),
  definition: text('definition', { mode: 'json' }).$type<unknown>().notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const flowVersions = sqliteTable(
  'flow_versions',
  {
    flow: text('flow').notNull(),
    number: integer('number').notNull(),
    hash: text('hash').notNull(),
    message: text('message').notNull().default(''),
    author: text('author').notNull().default(''),
    source: text('source').notNull(),
    definition: text('definition', { mode: 'json' }).$type<unknown>().notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('flow_versions_flow_number').on(t.flow, t.number), index('flow_versions_flow_hash').on(t.flow, t.hash)],
);

export const deployments = sqliteTable('deployments', {
  name: text('name').primaryKey(),
  kind: text('kind').$type<'flow' | 'model'>().notNull(),
  flow: text('flow'),
  /** Model deployments: the catalog id they serve, and how (context size, connection …). */
  model: text('model'),
  options: text('options', { mode: 'json' }).$type<ModelDeploymentOptions>(),
  traffic: text('traffic', { mode: 'json' }).$type<TrafficSplit[]>().notNull(),
  traceSampleRate: real('trace_sample_rate').notNull().default(1),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * Keys that open several deployments, or all of them (`deployments` null), as an Azure resource key
 * or an OpenAI project key does. The same secrets and hashing as deployment keys; kept apart because
 * they belong to no one deployment.
 */
export const sharedKeys = sqliteTable(
  'shared_keys',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull().default(''),
    prefix: text('prefix').notNull(),
    hash: text('hash').notNull(),
    /** Deployment names it opens; null: every deployment of the workspace. */
    deployments: text('deployments', { mode: 'json' }).$type<string[] | null>(),
    createdAt: integer('created_at').notNull(),
    revokedAt: integer('revoked_at'),
    expiresAt: integer('expires_at'),
    lastUsedAt: integer('last_used_at'),
    rpm: integer('rpm'),
    tpm: integer('tpm'),
  },
  (t) => [uniqueIndex('shared_keys_hash').on(t.hash)],
);

export const deploymentKeys = sqliteTable(
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
    createdAt: integer('created_at').notNull(),
    revokedAt: integer('revoked_at'),
    /** Refused from this time on (null: never). */
    expiresAt: integer('expires_at'),
    /** When a call last presented it (recorded at most about once a minute per instance). */
    lastUsedAt: integer('last_used_at'),
    /** Calls a minute it may make (null: no limit of its own). */
    rpm: integer('rpm'),
    /** Tokens a minute its calls may use (null: no limit of its own). */
    tpm: integer('tpm'),
  },
  (t) => [uniqueIndex('deployment_keys_hash').on(t.hash), index('deployment_keys_deployment').on(t.deployment)],
);

export const runs = sqliteTable(
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
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at'),
    durationMs: real('duration_ms'),
  },
  (t) => [
    index('runs_started').on(t.startedAt),
    index('runs_flow_started').on(t.flow, t.startedAt),
    index('runs_deployment_started').on(t.deployment, t.startedAt),
    index('runs_status_started').on(t.status, t.startedAt),
  ],
);

export const nodeTraces = sqliteTable(
  'node_traces',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    idx: integer('idx').notNull(),
    node: text('node').notNull(),
    type: text('type').notNull(),
    status: text('status').notNull(),
    startMs: real('start_ms'),
    endMs: real('end_ms'),
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

export const runEvents = sqliteTable(
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

export const connections = sqliteTable('connections', {
  name: text('name').primaryKey(),
  type: text('type').notNull(),
  settings: text('settings', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  /** Names only (not secret), so listing works without decrypting anything. */
  secretNames: text('secret_names', { mode: 'json' }).$type<string[]>().notNull(),
  /** AES-256-GCM: 12-byte IV, 16-byte tag, then the ciphertext of the secrets' JSON. */
  secrets: blob('secrets', { mode: 'buffer' }),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const usageRecords = sqliteTable(
  'usage_records',
  {
    deployment: text('deployment').notNull(),
    /** '' when the call had no key (a primary key column cannot hold NULL usefully). */
    keyId: text('key_id').notNull().default(''),
    /** Epoch minute: Math.floor(ms / 60000). */
    minute: integer('minute').notNull(),
    requests: integer('requests').notNull().default(0),
    promptTokens: integer('prompt_tokens').notNull().default(0),
    completionTokens: integer('completion_tokens').notNull().default(0),
    cost: real('cost').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.deployment, t.keyId, t.minute] })],
);

/** One row per deployment call; `filtered` is the comma-joined list of what the policy filtered ('' for none). */
export const usageCalls = sqliteTable(
  'usage_calls',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull(),
    at: integer('at').notNull(),
    deployment: text('deployment').notNull(),
    kind: text('kind').$type<'flow' | 'model'>().notNull(),
    keyId: text('key_id'),
    model: text('model'),
    promptTokens: integer('prompt_tokens').notNull(),
    completionTokens: integer('completion_tokens').notNull(),
    cost: real('cost').notNull(),
    latencyMs: integer('latency_ms').notNull(),
    status: integer('status').notNull(),
    filtered: text('filtered').notNull(),
  },
  (t) => [index('usage_calls_at').on(t.at, t.seq), index('usage_calls_deployment_at').on(t.deployment, t.at)],
);

export type FlowRecord = typeof flows.$inferSelect;
export type VersionRecord = typeof flowVersions.$inferSelect;
export type DeploymentRecord = typeof deployments.$inferSelect;
export type KeyRecord = typeof deploymentKeys.$inferSelect;
export type RunRecord = typeof runs.$inferSelect;
export type NodeTraceRecord = typeof nodeTraces.$inferSelect;
export type RunEventRecord = typeof runEvents.$inferSelect;
export type ConnectionRecord = typeof connections.$inferSelect;
export type UsageRecord = typeof usageRecords.$inferSelect;

/** Models registered by the user (`weir models add`); the shipped catalog lives in code. */
export const models = sqliteTable('models', {
  id: text('id').primaryKey(),
  entry: text('entry', { mode: 'json' }).$type<ModelEntry>().notNull(),
  createdAt: integer('created_at').notNull(),
});

/** Content-safety policies and custom blocklists by kind and name (their bodies are checked by engine/app/gateway/safety.ts). */
export const safetySettings = sqliteTable(
  'safety_settings',
  {
    kind: text('kind').$type<'policy' | 'blocklist'>().notNull(),
    name: text('name').notNull(),
    body: text('body', { mode: 'json' }).$type<unknown>().notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.name] })],
);

/** A model's price from a date on (the catalog's price applies before the first, and to models with none). */
export const modelPrices = sqliteTable(
  'model_prices',
  {
    model: text('model').notNull(),
    effectiveFrom: integer('effective_from').notNull(),
    inputPer1k: real('input_per_1k'),
    outputPer1k: real('output_per_1k'),
    perHour: real('per_hour'),
  },
  (t) => [primaryKey({ columns: [t.model, t.effectiveFrom] })],
);

/** A model's tokens-per-minute pool, set by the operator; models without a row have the default pool. */
export const quotaPools = sqliteTable('quota_pools', {
  model: text('model').primaryKey(),
  tpm: integer('tpm').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * The local job queue (used when no Redis is configured): a job is claimed by one instance at a
 * time under a lease it renews; see the `jobs` port in ../types.ts for the rules.
 */
export const jobs = sqliteTable(
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
    leaseUntil: integer('lease_until'),
    runAfter: integer('run_after').notNull(),
    timeoutMs: integer('timeout_ms').notNull(),
    result: userJson('result'),
    error: userJson('error').$type<JobError | null>(),
    createdAt: integer('created_at').notNull(),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
  },
  (t) => [index('jobs_queue_status_run_after').on(t.queue, t.status, t.runAfter), index('jobs_status_lease_until').on(t.status, t.leaseUntil)],
);

export type JobRecord = typeof jobs.$inferSelect;

// The data indexes' tables live in their own file; drizzle-kit and the repositories see them here.
export * from './data-schema.ts';
export * from './monitor-schema.ts';
export * from './batch-schema.ts';
export * from './web-app-schema.ts';
