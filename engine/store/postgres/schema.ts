/**
 * The Postgres schema as code, table for table the SQLite one (../sqlite/schema.ts). drizzle-kit
 * generates engine/store/postgres/migrations/ from this file (`npm run db:generate`); the generated
 * SQL is committed and never edited by hand.
 *
 * Times are epoch milliseconds in bigint columns (read back as JS numbers). JSON that users and
 * nodes write (flow definitions, run values, traces, events, record fields) is `json`: it keeps key
 * order as written and accepts "\u0000", where jsonb reorders keys and refuses that escape. JSON that
 * Weir itself writes (traffic, settings, tags, …) is `jsonb`.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  customType,
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
import type { DataJobOptions } from '../data-types.ts';
import { toJsonText } from '../sqlite/json.ts';

/** bigint in the database (epoch ms, byte sizes, counters), a JS number: safe up to 2^53. */
const int8 = (name: string) => bigint(name, { mode: 'number' });

/**
 * JSON for values that come from users and nodes (run inputs, outputs, traces, events). It never
 * throws on BigInt or cycles: those become a note, as in the SQLite store.
 */
const userJson = customType<{ data: unknown; driverData: unknown }>({
  dataType: () => 'json',
  toDriver: (value) => toJsonText(value),
  // node-postgres parses json columns itself: a string here is a JSON string value, not JSON text.
  fromDriver: (value) => value,
});

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/** Never selected: only searched (see data-repo.ts). */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

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

/** Models registered by the user (`weir models add`); the shipped catalog lives in code. */
export const models = pgTable('models', {
  id: text('id').primaryKey(),
  entry: jsonb('entry').$type<ModelEntry>().notNull(),
  createdAt: int8('created_at').notNull(),
});

/** A data index ("add your data"): documents → chunks → vectors (HNSW file) + full text (tsvector). */
export const dataIndexes = pgTable('data_indexes', {
  name: text('name').primaryKey(),
  /** Catalog id of the embedding model; chunks are sized in its tokens. */
  embeddingModel: text('embedding_model').notNull(),
  dims: integer('dims').notNull(),
  chunkTokens: integer('chunk_tokens').notNull(),
  overlapTokens: integer('overlap_tokens').notNull(),
  createdAt: int8('created_at').notNull(),
  /** When documents were last added or removed. */
  builtAt: int8('built_at'),
  /**
   * Counts the commits that changed the index's chunks or vectors. Each instance's vector cache
   * remembers the revision it holds: a different one in the row means it missed a change.
   */
  revision: int8('revision').notNull().default(0),
});

export const dataDocuments = pgTable(
  'data_documents',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    index: text('index')
      .notNull()
      .references(() => dataIndexes.name, { onDelete: 'cascade' }),
    /** The file name (or path relative to the folder added), unique in its index. */
    name: text('name').notNull(),
    format: text('format').notNull(),
    title: text('title').notNull().default(''),
    /** SHA-256 of the file's bytes: the same file added again is not re-read. */
    hash: text('hash').notNull(),
    bytes: int8('bytes').notNull(),
    chunks: integer('chunks').notNull().default(0),
    /** Labels given when the document was added, for metadata filters. */
    tags: jsonb('tags').$type<string[]>().notNull().default([]),
    addedAt: int8('added_at').notNull(),
  },
  (t) => [uniqueIndex('data_documents_index_name').on(t.index, t.name)],
);

/**
 * The text search configuration of chunks' full text: Snowball English stemming (like FTS5's
 * porter tokenizer, "rivers" finds "river") — data-repo.ts queries with the same one.
 */
export const FTS_CONFIG = 'english';

export const dataChunks = pgTable(
  'data_chunks',
  {
    /** Also the chunk's label in the HNSW index. */
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    index: text('index').notNull(),
    document: bigint('document', { mode: 'number' })
      .notNull()
      .references(() => dataDocuments.id, { onDelete: 'cascade' }),
    idx: integer('idx').notNull(),
    text: text('text').notNull(),
    title: text('title').notNull().default(''),
    headingPath: jsonb('heading_path').$type<string[]>().notNull(),
    page: integer('page'),
    start: integer('start').notNull(),
    end: integer('end').notNull(),
    tokens: integer('tokens').notNull(),
    /** SHA-256 of the normalized text: identical content is embedded once per index. */
    hash: text('hash').notNull(),
    /** Record fields of json/jsonl/csv rows. */
    metadata: json('metadata').$type<Record<string, string | number | boolean>>(),
    /** Title and text, stemmed, for full-text search: kept by Postgres itself (a stored generated column). */
    tsv: tsvector('tsv')
      .notNull()
      .generatedAlwaysAs(sql.raw(`to_tsvector('${FTS_CONFIG}'::regconfig, "title") || to_tsvector('${FTS_CONFIG}'::regconfig, "text")`)),
  },
  (t) => [
    index('data_chunks_document').on(t.document, t.idx),
    index('data_chunks_index_hash').on(t.index, t.hash),
    index('data_chunks_tsv').using('gin', t.tsv),
  ],
);

/**
 * Each chunk's embedding: `dims` float32 values, little-endian, as bytea (2 KB for 512-d): the same
 * bytes as on SQLite. Nothing in SQL computes with them (search is the instances' HNSW caches, and
 * no pgvector here), so the opaque form is the compact one, read back as a Buffer without parsing
 * (real[] would be 512 decimal strings to parse per row). A table of its own, as on SQLite; a chunk
 * written before vectors were stored has no row here.
 */
export const dataVectors = pgTable(
  'data_vectors',
  {
    chunk: bigint('chunk', { mode: 'number' })
      .primaryKey()
      .references(() => dataChunks.id, { onDelete: 'cascade' }),
    index: text('index').notNull(),
    vector: bytea('vector').notNull(),
  },
  (t) => [index('data_vectors_index_chunk').on(t.index, t.chunk)],
);

/** Uploaded files of an index, kept by content (SHA-256): every instance reads a job's files from here. */
export const dataFiles = pgTable(
  'data_files',
  {
    index: text('index')
      .notNull()
      .references(() => dataIndexes.name, { onDelete: 'cascade' }),
    hash: text('hash').notNull(),
    bytes: bytea('bytes').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.index, t.hash] })],
);

/**
 * An ingestion job: files staged in the index's folder, processed in order. Recorded before it
 * starts, each file's outcome as it ends, so a job cut short by a crash resumes at its first
 * pending file.
 */
export const dataJobs = pgTable(
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
    options: jsonb('options').$type<DataJobOptions>().notNull(),
    error: text('error'),
    createdAt: int8('created_at').notNull(),
    startedAt: int8('started_at'),
    finishedAt: int8('finished_at'),
    /** Written while the job runs; a running job whose heartbeat is old was cut short. */
    heartbeatAt: int8('heartbeat_at'),
  },
  (t) => [index('data_jobs_index').on(t.index, t.createdAt)],
);

export const dataJobFiles = pgTable(
  'data_job_files',
  {
    job: text('job')
      .notNull()
      .references(() => dataJobs.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    name: text('name').notNull(),
    /** SHA-256 of the bytes: the staged file is <index dir>/files/<hash>. */
    hash: text('hash').notNull(),
    bytes: int8('bytes').notNull(),
    /** pending | added | replaced | unchanged | failed */
    status: text('status').notNull(),
    chunks: integer('chunks'),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
  },
  (t) => [primaryKey({ columns: [t.job, t.seq] })],
);

export type FlowRecord = typeof flows.$inferSelect;
export type KeyRecord = typeof deploymentKeys.$inferSelect;
export type RunRecord = typeof runs.$inferSelect;
export type NodeTraceRecord = typeof nodeTraces.$inferSelect;
export type ConnectionRecord = typeof connections.$inferSelect;

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
