import { api, ApiError } from '../api/client.ts';
import type { FlowDoc, FlowVersion, Problem } from '../api/types.ts';

/** What POST /publish answers: the version, and whether it is new (false: the content was unchanged). */
export interface PublishResult extends FlowVersion {
  created: boolean;
}

export interface VersionDetail extends FlowVersion {
  definition: FlowDoc;
  source: string;
}

export interface NodeChange {
  name: string;
  fields: { field: string; from: unknown; to: unknown }[];
}

export interface KeyChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

/** GET /diff: `to` is a version number or 'draft'. */
export interface FlowDiffResult {
  from: number;
  to: number | 'draft';
  nodes: { added: string[]; removed: string[]; changed: NodeChange[] };
  inputs: KeyChanges;
  outputs: KeyChanges;
}

/** Either side of a comparison: a version number or the draft. */
export type Side = number | 'draft';

const flowPath = (name: string) => `/api/flows/${encodeURIComponent(name)}`;

export const publishApi = {
  publish: (flow: string, message: string) => api<PublishResult>(`${flowPath(flow)}/publish`, { method: 'POST', body: { message } }),
  versions: async (flow: string) => (await api<{ data: FlowVersion[] }>(`${flowPath(flow)}/versions`)).data,
  version: (flow: string, n: number) => api<VersionDetail>(`${flowPath(flow)}/versions/${n}`),
  diff: (flow: string, from: number, to: Side) => api<FlowDiffResult>(`${flowPath(flow)}/diff?from=${from}&to=${to}`),
};

// Published versions never change, so each definition is fetched once per page load.
const versionCache = new Map<string, Promise<VersionDetail>>();

/** A version's detail (its definition), cached; a failed fetch is forgotten so it can be retried. */
export function versionDetail(flow: string, n: number): Promise<VersionDetail> {
  const key = `${flow}@${n}`;
  let hit = versionCache.get(key);
  if (!hit) {
    hit = publishApi.version(flow, n);
    versionCache.set(key, hit);
    hit.catch(() => versionCache.delete(key));
  }
  return hit;
}

/** The problems behind a refused publish: the server sends them with its 422 answer. */
export function problemsOf(err: unknown): Problem[] {
  if (!(err instanceof ApiError) || err.status !== 422) return [];
  const carried = err.details.problems;
  return Array.isArray(carried) ? (carried as Problem[]) : [];
}

/** "3 min ago" for recent times, the date otherwise. */
export function timeAgo(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  if (s < 7 * 86400) return `${Math.floor(s / 86400)} d ago`;
  return new Date(t).toLocaleDateString();
}

/** A changed field's value on one line, short enough for the summary (the full value is its title). */
export function shortValue(v: unknown, max = 60): string {
  if (v === null || v === undefined) return '—';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** The first characters of a content hash, without an algorithm prefix ("sha256:"). */
export const shortHash = (hash: string) => hash.replace(/^[a-z0-9]+:/, '').slice(0, 8);
