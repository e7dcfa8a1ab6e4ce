import { api } from '../api/client.ts';
import type { FlowDoc, FlowSummary, FlowVersion, RunSummary } from '../api/types.ts';
import { formatDateTime } from '../components/format-date.ts';

/** Shapes of /api/deployments (engine/api/routes/deployments.ts `deploymentJson`). */
export interface TrafficSplit {
  version: number;
  weight: number;
}

interface DeploymentBase {
  name: string;
  endpoint: string;
  created_at: string;
  updated_at: string;
  /** Keys not revoked (in the list only). */
  active_keys?: number;
  /** The content-safety policy its calls pass ('default' until set). */
  safety_policy: string;
}

export interface FlowDeployment extends DeploymentBase {
  kind: 'flow';
  flow: string;
  traffic: TrafficSplit[];
  trace_sample_rate: number;
  /** Calls a minute across every caller; null: no limit of its own. */
  rpm: number | null;
}

export interface ModelDeployment extends DeploymentBase {
  kind: 'model';
  flow: null;
  model: string;
  context_size: number | null;
  connection: string | null;
  remote_model: string | null;
  state: 'loading' | 'ready' | 'failed';
  reason: string | null;
  loaded_at: string | null;
  azure_endpoint: string;
  /** Tokens a minute allocated from the model's pool; null for local models (they draw on compute). */
  tpm: number | null;
  /** Requests a minute that allocation gives (6 per 1 000 tokens a minute). */
  rpm: number | null;
}

export type Deployment = FlowDeployment | ModelDeployment;

export interface DeploymentKey {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
  /** Refused from then on; null: never. */
  expires_at: string | null;
  /** To about a minute; null: never used. */
  last_used_at: string | null;
  /** Calls a minute it may make; null: no limit of its own. */
  rpm: number | null;
  /** Tokens a minute its calls may use; null: no limit of its own. */
  tpm: number | null;
  /** Usable now: neither revoked nor past its expiry. */
  active: boolean;
}

/** Only the answer to creating a key carries the secret; nothing can read it again. */
export interface CreatedKey extends DeploymentKey {
  key: string;
}

/** A key's own limits, both optional. */
export interface KeyLimits {
  rpm?: number;
  tpm?: number;
}

export interface FlowVersionDetail extends FlowVersion {
  definition: FlowDoc;
}

const enc = encodeURIComponent;

export const deploymentsApi = {
  list: () => api<{ data: Deployment[] }>('/api/deployments').then((r) => r.data),
  get: (name: string) => api<Deployment>(`/api/deployments/${enc(name)}`),
  createFlow: (body: { name: string; flow: string; traffic: TrafficSplit[] }) => api<Deployment>('/api/deployments', { method: 'POST', body }),
  setTraffic: (name: string, traffic: TrafficSplit[]) => api<Deployment>(`/api/deployments/${enc(name)}`, { method: 'PATCH', body: { traffic } }),
  remove: (name: string) => api<void>(`/api/deployments/${enc(name)}`, { method: 'DELETE' }),
  keys: (name: string) => api<{ data: DeploymentKey[] }>(`/api/deployments/${enc(name)}/keys`).then((r) => r.data),
  createKey: (name: string, keyName: string, limits: KeyLimits = {}) => api<CreatedKey>(`/api/deployments/${enc(name)}/keys`, { method: 'POST', body: { name: keyName, ...limits } }),
  /** A model deployment's allocation (tpm), or a flow deployment's own calls a minute (rpm; null lifts it). */
  setLimits: (name: string, body: { tpm: number } | { rpm: number | null }) => api<Deployment>(`/api/deployments/${enc(name)}`, { method: 'PATCH', body }),
  setSafetyPolicy: (name: string, policy: string) => api<Deployment>(`/api/deployments/${enc(name)}`, { method: 'PATCH', body: { safety_policy: policy } }),
  revokeKey: (name: string, id: string) => api<void>(`/api/deployments/${enc(name)}/keys/${enc(id)}`, { method: 'DELETE' }),
  runs: (name: string) => api<{ data: RunSummary[] }>(`/api/runs?deployment=${enc(name)}&limit=10`).then((r) => r.data),
  flows: () => api<{ data: FlowSummary[] }>('/api/flows').then((r) => r.data),
  versions: (flow: string) => api<{ data: FlowVersion[] }>(`/api/flows/${enc(flow)}/versions`).then((r) => r.data),
  version: (flow: string, n: number) => api<FlowVersionDetail>(`/api/flows/${enc(flow)}/versions/${n}`),
  model: (id: string) => api<{ id: string; task: string }>(`/api/models/${enc(id)}`),
};

/** The version most calls go to: the heaviest weight, the newer one on a tie. */
export function mainVersion(traffic: TrafficSplit[]): number | undefined {
  let best: TrafficSplit | undefined;
  for (const t of traffic) if (!best || t.weight > best.weight || (t.weight === best.weight && t.version > best.version)) best = t;
  return best?.version;
}

/** A flow name made into a deployment name (lower-case letters, digits and -, as the server asks). */
export function deploymentNameFor(flow: string): string {
  return flow.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 63) || 'deployment';
}

export const DEPLOYMENT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A time as the reader's locale writes it (components/format-date.ts). */
export const formatTime = (iso: string | null | undefined): string => formatDateTime(iso);
