/** Shapes of the model catalog and model deployments as GET /api/models and /api/deployments answer them. */
export type ModelTask = 'chat-completion' | 'text-generation' | 'embeddings' | 'extractive-qa';
export type ProviderId = 'llama-cpp' | 'transformers' | 'use-lite' | 'extractive' | 'openai-compatible';

// Mirrors the server's enums (engine/models/catalog.ts); the query refuses any other value.
export const MODEL_TASKS: readonly ModelTask[] = ['chat-completion', 'text-generation', 'embeddings', 'extractive-qa'];
export const PROVIDERS: readonly ProviderId[] = ['llama-cpp', 'transformers', 'use-lite', 'extractive', 'openai-compatible'];

export type ModelSource =
  | { kind: 'huggingface'; repo: string; file: string; sha256?: string; url?: string }
  | { kind: 'npm'; package: string }
  | { kind: 'local'; path: string }
  | { kind: 'remote'; model: string };

export interface ModelInfo {
  id: string;
  name: string;
  publisher: string;
  task: ModelTask;
  provider: ProviderId;
  format: 'gguf' | 'onnx' | 'shipped' | 'remote';
  license: string;
  parameters: number | null;
  context_length: number | null;
  file_size_bytes: number | null;
  source: ModelSource;
  price: { input_per_1k: number | null; output_per_1k: number | null; per_hour: number | null } | null;
  dimensions: number | null;
  description: string;
  labels: string[];
  /** What a chat model does beyond text, for apps built on OpenAI's tools and JSON modes. */
  supports: { tools: boolean; structured_output: boolean };
  local: boolean;
  /** Whether it runs on this machine now (GET /api/models marks each). */
  availability: Availability;
  available: boolean;
  /** Bytes a download would take; null when nothing needs downloading. */
  download_bytes: number | null;
  /** The download started on this server, if any. */
  pull: PullJob | null;
}

export type Availability = 'shipped' | 'downloaded' | 'local' | 'remote' | 'not_downloaded' | 'missing';

export interface PullJob {
  model: string;
  state: 'running' | 'done' | 'failed';
  received: number;
  total: number | null;
  url: string;
  error: { code: string; message: string } | null;
  started_at: string;
  finished_at: string | null;
}

export type DeploymentState = 'loading' | 'ready' | 'failed';

/** A deployment as listed; flow deployments have `model` null and no state. */
export interface DeploymentInfo {
  name: string;
  kind: 'flow' | 'model';
  flow: string | null;
  model?: string | null;
  context_size?: number | null;
  connection?: string | null;
  remote_model?: string | null;
  state?: DeploymentState;
  reason?: string | null;
  loaded_at?: string | null;
  endpoint: string;
  created_at: string;
  updated_at: string;
}

export interface ConnectionInfo {
  name: string;
  type: string;
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export const isExtractive = (m: ModelInfo): boolean => m.labels.includes('extractive') || m.provider === 'extractive';
/** Deployments the playground can chat with: chat models, and any whose model the catalog no longer knows. */
export const isChatModel = (m: ModelInfo | undefined): boolean => !m || m.task === 'chat-completion';
