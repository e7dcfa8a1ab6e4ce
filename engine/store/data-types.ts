/** Rows of data indexes ("add your data") as the store hands them out. Times are epoch ms. */

export interface DataIndexRow {
  name: string;
  /** Catalog id of the embedding model; chunks are sized in its tokens. */
  embeddingModel: string;
  dims: number;
  chunkTokens: number;
  overlapTokens: number;
  createdAt: number;
  /** When documents were last added or removed; null for an empty new index. */
  builtAt: number | null;
  /**
   * Counts the commits that changed the index's chunks or vectors (put, delete, reset, setVectors):
   * a vector cache that holds another revision has missed a change.
   */
  revision: number;
}

export interface DataDocumentRow {
  id: number;
  index: string;
  name: string;
  format: string;
  title: string;
  /** SHA-256 of the file's bytes. */
  hash: string;
  bytes: number;
  chunks: number;
  tags: string[];
  addedAt: number;
}

export interface DataChunkInput {
  idx: number;
  text: string;
  title: string;
  headingPath: string[];
  page?: number | null;
  /** Character span in the document's text, for citations. */
  start: number;
  end: number;
  tokens: number;
  /** SHA-256 of the normalized text. */
  hash: string;
  /** Record fields (json, jsonl, csv rows). */
  metadata?: Record<string, string | number | boolean> | null;
  /**
   * The chunk's embedding, the index's `dims` finite numbers (stored as float32). null stores the
   * chunk without one, as chunks written before the store kept vectors are: only tests do that.
   */
  vector: Float32Array | number[] | null;
}

/** A chunk's stored vector. */
export interface ChunkVector {
  id: number;
  vector: Float32Array;
}

export interface DataChunkRow extends Omit<DataChunkInput, 'vector'> {
  id: number;
  index: string;
  document: number;
  page: number | null;
  metadata: Record<string, string | number | boolean> | null;
}

export type DataJobKind = 'add' | 'reindex';
export type DataJobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type DataJobFileStatus = 'pending' | 'added' | 'replaced' | 'unchanged' | 'failed';

export interface DataJobOptions {
  /** json/jsonl: the field holding the text. */
  textField?: string;
  tags?: string[];
  /** A re-index job: the settings the index takes when the job starts. */
  reindex?: Pick<DataIndexRow, 'embeddingModel' | 'dims' | 'chunkTokens' | 'overlapTokens'>;
}

export interface DataJobRow {
  id: string;
  index: string;
  kind: DataJobKind;
  status: DataJobStatus;
  options: DataJobOptions;
  error: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  heartbeatAt: number | null;
}

export interface DataJobFileRow {
  job: string;
  seq: number;
  name: string;
  hash: string;
  bytes: number;
  status: DataJobFileStatus;
  chunks: number | null;
  errorCode: string | null;
  errorMessage: string | null;
}

export interface DataIndexStats {
  documents: number;
  chunks: number;
  tokens: number;
  bytes: number;
}

export interface DataStore {
  createIndex(row: Omit<DataIndexRow, 'createdAt' | 'builtAt' | 'revision'>): Promise<DataIndexRow>;
  getIndex(name: string): Promise<DataIndexRow | undefined>;
  listIndexes(): Promise<DataIndexRow[]>;
  /** Removes the index with its documents and chunks (their full text and vectors too). */
  deleteIndex(name: string): Promise<boolean>;
  stats(name: string): Promise<DataIndexStats>;
  listDocuments(index: string): Promise<DataDocumentRow[]>;
  getDocument(index: string, name: string): Promise<DataDocumentRow | undefined>;
  /**
   * Stores a document and its chunks with their vectors in one transaction, replacing a document of
   * the same name. Returns the new chunk ids in order, the ids of the chunks it replaced, and the
   * index's revision after it. Refuses (`invalid_vector`) a vector that is not `dims` finite numbers.
   */
  putDocument(index: string, doc: Pick<DataDocumentRow, 'name' | 'format' | 'title' | 'hash' | 'bytes'> & { tags?: string[] }, chunks: DataChunkInput[]): Promise<{ document: DataDocumentRow; chunkIds: number[]; replacedChunkIds: number[]; revision: number }>;
  /** Removes a document; returns the ids of its chunks and the index's revision after, or undefined when there was none. */
  deleteDocument(index: string, name: string): Promise<{ chunkIds: number[]; revision: number } | undefined>;
  chunks(ids: number[]): Promise<DataChunkRow[]>;
  /** A document's chunks in order. */
  documentChunks(index: string, document: string): Promise<DataChunkRow[]>;
  /** Every chunk id of an index with its text hash. */
  chunkHashes(index: string): Promise<{ id: number; hash: string }[]>;
  /** Ids of the chunks of `index` that have a vector, ascending (a cache checks itself against them). */
  vectorIds(index: string): Promise<number[]>;
  /**
   * At most `limit` vectors of `index` with chunk ids above `after`, ascending: a cache is built page
   * by page, so a big index is never read in one go.
   */
  vectorPage(index: string, after: number, limit: number): Promise<ChunkVector[]>;
  /** The vectors of those of `ids` that are chunks of `index` and have one, ascending. */
  chunkVectors(index: string, ids: number[]): Promise<ChunkVector[]>;
  /** At most `limit` chunks of `index` that have no vector, with ids above `after`, ascending. */
  unembeddedChunks(index: string, after: number, limit: number): Promise<{ id: number; hash: string; text: string }[]>;
  /**
   * Stores the vectors of chunks of `index` (replacing any they had; ids of no chunk of the index are
   * skipped) in one transaction; returns the index's revision after it.
   */
  setVectors(index: string, items: { id: number; vector: Float32Array | number[] }[]): Promise<number>;
  /**
   * Re-index: the index takes the new embedding settings and loses every chunk and vector (documents
   * stay, with 0 chunks, to be read again from their files).
   */
  resetIndex(name: string, settings: Pick<DataIndexRow, 'embeddingModel' | 'dims' | 'chunkTokens' | 'overlapTokens'>): Promise<void>;
  /** Records a job and its files (all pending) in one transaction. */
  createJob(job: Pick<DataJobRow, 'id' | 'index' | 'kind' | 'options'>, files: Pick<DataJobFileRow, 'name' | 'hash' | 'bytes'>[]): Promise<DataJobRow>;
  getJob(id: string): Promise<DataJobRow | undefined>;
  /** Newest first. */
  listJobs(index: string, limit: number): Promise<DataJobRow[]>;
  /** Queued or running jobs of every index, oldest first. */
  unfinishedJobs(): Promise<DataJobRow[]>;
  jobFiles(id: string): Promise<DataJobFileRow[]>;
  updateJob(id: string, patch: Partial<Pick<DataJobRow, 'status' | 'error' | 'startedAt' | 'finishedAt' | 'heartbeatAt'>>): Promise<void>;
  finishJobFile(job: string, seq: number, outcome: Pick<DataJobFileRow, 'status' | 'chunks' | 'errorCode' | 'errorMessage'>): Promise<void>;
  /** File hashes still needed: by a document of the index or a job file not yet done. */
  referencedHashes(index: string): Promise<Set<string>>;
  /** Ids of the chunks of `index` whose text hash is one of `hashes` (to skip re-embedding). */
  chunkIdsByHash(index: string, hashes: string[]): Promise<Map<string, number>>;
  /** Full-text search (FTS5, BM25) within one index: best first, score higher is better. */
  keywordSearch(index: string, query: string, k: number, documents?: number[]): Promise<{ id: number; score: number }[]>;
  chunkIdsOfDocuments(documents: number[]): Promise<number[]>;
  /**
   * Uploaded files of an index kept by content (`hash`: the SHA-256 of `bytes`): on a server
   * database, the copy every instance's jobs read. Putting a hash already kept changes nothing.
   */
  putFile(index: string, hash: string, bytes: Uint8Array): Promise<void>;
  readFile(index: string, hash: string): Promise<Uint8Array | undefined>;
  /** Which of `hashes` are kept for the index. */
  hasFiles(index: string, hashes: string[]): Promise<Set<string>>;
  /** Deletes the index's kept files whose hash is not in `keep`; returns how many. */
  pruneFiles(index: string, keep: Set<string>): Promise<number>;
  /** Names of documents by id (for search hits, without listing the whole index). */
  documentNames(ids: number[]): Promise<Map<number, string>>;
}
