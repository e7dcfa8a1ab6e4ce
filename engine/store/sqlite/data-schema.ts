/** The data indexes' tables ("add your data"): indexes, documents, chunks, vectors, kept files and ingestion jobs. See schema.ts. */
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { DataJobOptions } from '../data-types.ts';

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
