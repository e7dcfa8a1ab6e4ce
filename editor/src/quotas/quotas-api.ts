import { api } from '../api/client.ts';

/** A remote model's tokens-a-minute pool (engine/api/routes/quotas.ts `poolJson`). */
export interface Pool {
  model: string;
  tpm: number;
  /** The configured default: the operator has not set this pool. */
  default: boolean;
  allocated: number;
  left: number;
  deployments: { name: string; tpm: number; rpm: number }[];
}

export interface PoolList {
  data: Pool[];
  /** A pool's size until the operator sets one. */
  default_tpm: number;
  /** What a new deployment takes when created without tpm (or what is left, if less). */
  default_allocation_tpm: number;
}

/** The memory this instance offers local model deployments and what their loaded models use (GET /api/compute). */
export interface Compute {
  threads: number;
  memory_mb: { offered: number; used: number; left: number };
  /** One per loaded model (a model loaded at two context sizes is two); context_size null: the model's own. */
  models: { model: string; context_size: number | null; memory_mb: number; deployments: string[] }[];
}

// Catalog ids may hold a slash (publisher/model), which the route takes as is.
const modelPath = (model: string) => model.split('/').map(encodeURIComponent).join('/');

export const quotasApi = {
  list: () => api<PoolList>('/api/quotas'),
  compute: () => api<Compute>('/api/compute'),
  get: (model: string) => api<Pool>(`/api/quotas/${modelPath(model)}`),
  set: (model: string, tpm: number) => api<Pool>(`/api/quotas/${modelPath(model)}`, { method: 'PUT', body: { tpm } }),
};
