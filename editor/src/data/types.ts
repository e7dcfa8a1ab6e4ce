/** Shapes of the data-index answers (engine/api/routes/indexes.ts, engine/app/data/ingest-progress.ts). */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type FileStatus = 'pending' | 'added' | 'replaced' | 'unchanged' | 'failed';

export interface FileOutcome {
  name: string;
  status: FileStatus;
  chunks: number | null;
  error: { code: string; message: string } | null;
}

export interface JobView {
  id: string;
  index: string;
  kind: 'add' | 'reindex';
  status: JobStatus;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  files: { total: number; done: number; failed: number };
  chunks: number;
  bytes: { total: number; done: number };
  percent: number;
  rate: { chunks_per_s: number; mb_per_min: number } | null;
  eta_s: number | null;
  current: string | null;
  results: FileOutcome[];
}

export interface IndexInfo {
  name: string;
  embedding_model: string;
  dimensions: number;
  chunk_tokens: number;
  overlap_tokens: number;
  documents: number;
  chunks: number;
  tokens: number;
  source_bytes: number;
  disk_bytes: number;
  created_at: string;
  built_at: string | null;
  last_job: JobView | null;
}

export interface DocumentInfo {
  name: string;
  format: string;
  title: string | null;
  bytes: number;
  chunks: number;
  tags: string[];
  sha256: string;
  added_at: string | null;
}

export interface ChunkInfo {
  id: number;
  index: number;
  text: string;
  title: string | null;
  heading_path: string[] | null;
  page: number | null;
  start: number;
  end: number;
  tokens: number;
  metadata?: Record<string, string | number | boolean>;
}

export interface DocumentDetail extends DocumentInfo {
  chunk_list: ChunkInfo[];
}

export interface SearchHit {
  id: number;
  score: number;
  text: string;
  source: string;
  title: string | null;
  heading_path: string[] | null;
  page: number | null;
  start: number;
  end: number;
  metadata?: Record<string, string | number | boolean>;
}

export type SearchMode = 'hybrid' | 'vector' | 'keyword';

export interface ChatFlowAnswer {
  flow: string;
  deployment: string;
  created_deployment: boolean;
}

export interface ModelInfo {
  id: string;
  name: string;
  task: string;
  provider: string;
  dimensions: number | null;
  description: string;
  local: boolean;
}

export const isLive = (s: JobStatus) => s === 'queued' || s === 'running';

/** `/api/indexes/<name>` with the rest appended; document names keep their slashes as path separators. */
export function indexPath(index: string, ...rest: string[]): string {
  return ['/api/indexes', encodeURIComponent(index), ...rest].join('/');
}

export function documentPath(index: string, document: string): string {
  return indexPath(index, 'documents', document.split('/').map(encodeURIComponent).join('/'));
}
