/** The data indexes' tables ("add your data"): indexes, documents, chunks, vectors, kept files and ingestion jobs. See schema.ts. */
import { sql } from 'drizzle-orm';
import { bigint, index, integer, json, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { DataJobOptions } from '../data-types.ts';
import { bytea, int8, tsvector } from './column-types.ts';

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
