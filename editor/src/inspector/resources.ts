import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { ResourceKind } from './schema-utils.ts';

/** One name a picker offers, with what helps tell it apart (a deployment's model, its state). */
export interface ResourceOption {
  name: string;
  detail?: string;
  /** Listed, but not a good pick (a failed deployment). */
  unusable?: boolean;
}

interface DeploymentJson { name: string; kind: string; model?: string | null; state?: string }
interface IndexJson { name: string; documents?: number; chunks?: number }
interface ConnectionJson { name: string; type?: string }

const LOADERS: Record<ResourceKind, () => Promise<ResourceOption[]>> = {
  // An llm or embed node calls a model: flow deployments are not offered.
  deployment: async () =>
    (await api<{ data: DeploymentJson[] }>('/api/deployments')).data
      .filter((d) => d.kind === 'model')
      .map((d) => ({ name: d.name, detail: [d.model, d.state === 'failed' ? 'failed' : undefined].filter(Boolean).join(', '), unusable: d.state === 'failed' })),
  index: async () => (await api<{ data: IndexJson[] }>('/api/indexes')).data.map((i) => ({ name: i.name, detail: i.documents === undefined ? undefined : `${i.documents} document${i.documents === 1 ? '' : 's'}` })),
  connection: async () => (await api<{ data: ConnectionJson[] }>('/api/connections')).data.map((c) => ({ name: c.name, detail: c.type })),
};

/** Lists are read again after this long: something deployed meanwhile shows up. */
const FRESH_MS = 5_000;
const cache = new Map<ResourceKind, { at: number; list: Promise<ResourceOption[]> }>();

export function loadResources(kind: ResourceKind): Promise<ResourceOption[]> {
  const hit = cache.get(kind);
  if (hit && Date.now() - hit.at < FRESH_MS) return hit.list;
  const list = LOADERS[kind]();
  cache.set(kind, { at: Date.now(), list });
  list.catch(() => cache.delete(kind));
  return list;
}

/** The names a picker offers, loaded when it shows. */
export function useResources(kind: ResourceKind): { options?: ResourceOption[]; error?: string } {
  const [state, setState] = useState<{ options?: ResourceOption[]; error?: string }>({});
  useEffect(() => {
    let live = true;
    loadResources(kind).then(
      (options) => live && setState({ options }),
      (err: Error) => live && setState({ error: err.message }),
    );
    return () => {
      live = false;
    };
  }, [kind]);
  return state;
}
