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
import type { DataJobOptions } from '../data-types.ts';

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

/** A data index ("add your data"): documents → chunks → vectors (HNSW file) + full text (FTS5). */
export const dataIndexes = sqliteTable('data_indexes', {
  name: text('name').primaryKey(),
  /** Catalog id of the embedding model; chunks are sized in its tokens. */
  embeddingModel: text('embedding_model').notNull(),
  dims: integer('dims').notNull(),
  chunkTokens: integer('chunk_tokens').notNull(),
  overlapTokens: integer('overlap_tokens').notNull(),
  createdAt: integer('created_at').notNull(),
  /** When documents were last added or removed. */
  builtAt: integer('built_at'),
  /**
   * Counts the commits that changed the index's chunks or vectors. Each instance's vector cache
   * remembers the revision it holds: a different one in the row means it missed a change.
   */
  revision: integer('revision').notNull().default(0),
});

export const dataDocuments = sqliteTable(
  'data_documents',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    index: text('index')
      .notNull()
      .references(() => dataIndexes.name, { onDelete: 'cascade' }),
    /** The file name (or path relative to the folder added), unique in its index. */
    name: text('name').notNull(),
    format: text('format').notNull(),
    title: text('title').notNull().default(''),
    /** SHA-256 of the file's bytes: the same file added again is not re-read. */
    hash: text('hash').notNull(),
    bytes: integer('bytes').notNull(),
    chunks: integer('chunks').notNull().default(0),
    /** Labels given when the document was added, for metadata filters. */
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default([]),
    addedAt: integer('added_at').notNull(),
  },
  (t) => [uniqueIndex('data_documents_index_name').on(t.index, t.name)],
);

export const dataChunks = sqliteTable(
  'data_chunks',
  {
    /** Also the chunk's label in the HNSW index. */
    id: integer('id').primaryKey({ autoIncrement: true }),
    index: text('index').notNull(),
    document: integer('document')
      .notNull()
      .references(() => dataDocuments.id, { onDelete: 'cascade' }),
    idx: integer('idx').notNull(),
    text: text('text').notNull(),
    title: text('title').notNull().default(''),
    headingPath: text('heading_path', { mode: 'json' }).$type<string[]>().notNull(),
    page: integer('page'),
    start: integer('start').notNull(),
    end: integer('end').notNull(),
    tokens: integer('tokens').notNull(),
    /** SHA-256 of the normalized text: identical content is embedded once per index. */
    hash: text('hash').notNull(),
    /** Record fields of json/jsonl/csv rows. */
    metadata: text('metadata', { mode: 'json' }).$type<Record<string, string | number | boolean>>(),
  },
  (t) => [index('data_chunks_document').on(t.document, t.idx), index('data_chunks_index_hash').on(t.index, t.hash)],
);

/**
 * An ingestion job: files staged in the index's folder, processed in order. Recorded before it
 * starts, each file's outcome as it ends, so a job cut short by a crash resumes at its first
 * pending file.
 */
export const dataJobs = sqliteTable(
  'data_jobs',
  {
    id: text('id').primaryKey(),
    index: text('index')
      .notNull()
      .references(() => dataIndexes.name, { onDelete: 'cascade' }),
    /** add: new files; reindex: every document again, with the index's (new) embedding model. */
    kind: text('kind').notNull(),
    /** queued | running | succeeded | failed | cancelled */
    status: text('status').notNull(),
    options: text('options', { mode: 'json' }).$type<DataJobOptions>().notNull(),
    error: text('error'),
    createdAt: integer('created_at').notNull(),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
    /** Written while the job runs; a running job whose heartbeat is old was cut short. */
    heartbeatAt: integer('heartbeat_at'),
  },
  (t) => [index('data_jobs_index').on(t.index, t.createdAt)],
);

export const dataJobFiles = sqliteTable(
  'data_job_files',
  {
    job: text('job')
      .notNull()
      .references(() => dataJobs.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    name: text('name').notNull(),
    /** SHA-256 of the bytes: the staged file is <index dir>/files/<hash>. */
    hash: text('hash').notNull(),
    bytes: integer('bytes').notNull(),
    /** pending | added | replaced | unchanged | failed */
    status: text('status').notNull(),
    chunks: integer('chunks'),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
  },
  (t) => [primaryKey({ columns: [t.job, t.seq] })],
);

export type DataIndexRecord = typeof dataIndexes.$inferSelect;
export type DataDocumentRecord = typeof dataDocuments.$inferSelect;
export type DataChunkRecord = typeof dataChunks.$inferSelect;

/**
 * Each chunk's embedding: `dims` float32 values, little-endian (2 KB for 512-d). The store holds the
 * vectors; each instance's HNSW index is a cache of them. A table of its own, so the chunk rows that
 * full-text search and chunk fetches read stay as small as the text. A chunk written before vectors
 * were stored has no row here.
 */
export const dataVectors = sqliteTable(
  'data_vectors',
  {
    chunk: integer('chunk')
      .primaryKey()
      .references(() => dataChunks.id, { onDelete: 'cascade' }),
    index: text('index').notNull(),
    vector: blob('vector', { mode: 'buffer' }).$type<Buffer>().notNull(),
  },
  (t) => [index('data_vectors_index_chunk').on(t.index, t.chunk)],
);

/**
 * Uploaded files of an index, kept by content (SHA-256): on a server database every instance reads a
 * job's files (and re-indexing its documents' files) from here. The embedded store keeps them in the
 * index's folder instead (see DataIndexes.files); the table is here so both dialects pass one contract.
 */
export const dataFiles = sqliteTable(
  'data_files',
  {
    index: text('index')
      .notNull()
      .references(() => dataIndexes.name, { onDelete: 'cascade' }),
    hash: text('hash').notNull(),
    bytes: blob('bytes', { mode: 'buffer' }).$type<Buffer>().notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.index, t.hash] })],
);

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
