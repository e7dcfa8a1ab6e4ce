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
}

export interface DataChunkRow extends DataChunkInput {
  id: number;
  index: string;
  document: number;
  page: number | null;
}

export interface DataIndexStats {
  documents: number;
  chunks: number;
  tokens: number;
  bytes: number;
}

export interface DataStore {
  createIndex(row: Omit<DataIndexRow, 'createdAt' | 'builtAt'>): DataIndexRow;
  getIndex(name: string): DataIndexRow | undefined;
  listIndexes(): DataIndexRow[];
  /** Removes the index with its documents and chunks (their full text too). */
  deleteIndex(name: string): boolean;
  stats(name: string): DataIndexStats;
  listDocuments(index: string): DataDocumentRow[];
  getDocument(index: string, name: string): DataDocumentRow | undefined;
  /**
   * Stores a document and its chunks in one transaction, replacing a document of the same name.
   * Returns the new chunk ids in order, and the ids of the chunks it replaced (for the vector index).
   */
  putDocument(index: string, doc: Pick<DataDocumentRow, 'name' | 'format' | 'title' | 'hash' | 'bytes'>, chunks: DataChunkInput[]): { document: DataDocumentRow; chunkIds: number[]; replacedChunkIds: number[] };
  /** Removes a document; returns the ids of its chunks, or undefined when there was none. */
  deleteDocument(index: string, name: string): number[] | undefined;
  chunks(ids: number[]): DataChunkRow[];
  /** Ids of the chunks of `index` whose text hash is one of `hashes` (to skip re-embedding). */
  chunkIdsByHash(index: string, hashes: string[]): Map<string, number>;
  /** Full-text search (FTS5, BM25) within one index: best first, score higher is better. */
  keywordSearch(index: string, query: string, k: number): { id: number; score: number }[];
}
