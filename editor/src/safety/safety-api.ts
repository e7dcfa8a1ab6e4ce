import { api } from '../api/client.ts';

/** Harm categories a policy sets thresholds for, as the server names them (engine/safety/types.ts). */
export const HARMS = ['hate', 'sexual', 'violence', 'self_harm'] as const;
export type Harm = (typeof HARMS)[number];
/** Block at this severity and above, or never. */
export type Threshold = 'low' | 'medium' | 'high' | 'off';
export const THRESHOLDS: { id: Threshold; label: string }[] = [
  { id: 'low', label: 'Low and above' },
  { id: 'medium', label: 'Medium and above' },
  { id: 'high', label: 'High only' },
  { id: 'off', label: 'Off' },
];

/** Who judges a policy's text: the offline lexicon, a chat deployment, or Azure AI Content Safety. */
export type Classifier = { type: 'lexicon' } | { type: 'llm_judge'; deployment: string } | { type: 'azure_content_safety'; connection: string };

export interface Policy {
  name: string;
  prompt: Record<Harm, Threshold>;
  completion: Record<Harm, Threshold>;
  jailbreak: boolean;
  blocklists: string[];
  classifier?: Classifier;
}

export type PolicyBody = Omit<Policy, 'name'>;

export interface BlocklistItem {
  id: string;
  term?: string;
  pattern?: string;
}

export interface Blocklist {
  name: string;
  items: BlocklistItem[];
}

const enc = encodeURIComponent;

export const safetyApi = {
  policies: () => api<{ data: Policy[] }>('/api/safety-policies').then((r) => r.data),
  putPolicy: (name: string, body: PolicyBody) => api<Policy>(`/api/safety-policies/${enc(name)}`, { method: 'PUT', body }),
  deletePolicy: (name: string) => api<void>(`/api/safety-policies/${enc(name)}`, { method: 'DELETE' }),
  blocklists: () => api<{ data: { name: string; items: number }[] }>('/api/blocklists').then((r) => r.data),
  blocklist: (name: string) => api<Blocklist>(`/api/blocklists/${enc(name)}`),
  putBlocklist: (name: string, items: BlocklistItem[]) => api<Blocklist>(`/api/blocklists/${enc(name)}`, { method: 'PUT', body: { items } }),
  deleteBlocklist: (name: string) => api<void>(`/api/blocklists/${enc(name)}`, { method: 'DELETE' }),
};

/** A classifier in words. */
export function classifierText(c: Classifier | undefined): string {
  if (!c || c.type === 'lexicon') return 'Offline lexicon';
  if (c.type === 'llm_judge') return `LLM judge on deployment ${c.deployment}`;
  return `Azure AI Content Safety via connection ${c.connection}`;
}

/** The default policy's settings (Azure's defaults), for a new policy's form. */
export const DEFAULT_BODY: PolicyBody = {
  prompt: { hate: 'medium', sexual: 'medium', violence: 'medium', self_harm: 'medium' },
  completion: { hate: 'medium', sexual: 'medium', violence: 'medium', self_harm: 'medium' },
  jailbreak: true,
  blocklists: [],
};

export const harmLabel = (h: string) => (h === 'self_harm' ? 'self-harm' : h);
