import { create } from 'zustand';
import type { ChatUsage } from './model-types.ts';

/**
 * Context for weir-extractive: it only quotes sentences from `[n]`-numbered passages, so an empty
 * system message would leave a newcomer with no answer at all. Lines outside the passages are
 * instructions and never cited.
 */
export const EXAMPLE_SYSTEM = `Answer only from the numbered passages below and cite them.
[1] Weir is a self-hosted platform for LLM flows. It runs on one laptop with no cloud account.
[2] Vienna lies on the Danube. The Danube flows through ten countries.
[3] The Rhine ends in the North Sea.`;
export const EXAMPLE_QUESTION = 'Which city lies on the Danube?';

export interface ChatTurn {
  id: number;
  role: 'user' | 'assistant';
  content: string;
  /** Assistant turns: streaming until the stream ends, then how it ended. */
  status?: 'streaming' | 'done' | 'stopped' | 'error';
  error?: string;
  deployment?: string;
  usage?: ChatUsage | null;
  finishReason?: string | null;
  firstTokenMs?: number;
  totalMs?: number;
}

interface PlaygroundState {
  system: string;
  temperature: string;
  maxTokens: string;
  turns: ChatTurn[];
  setSettings(p: Partial<Pick<PlaygroundState, 'system' | 'temperature' | 'maxTokens'>>): void;
  add(turn: Omit<ChatTurn, 'id'>): number;
  update(id: number, patch: Partial<ChatTurn> | ((t: ChatTurn) => Partial<ChatTurn>)): void;
  clear(): void;
}

let nextId = 1;

/** Kept outside the page: leaving the playground and coming back keeps the conversation and settings. */
export const usePlayground = create<PlaygroundState>((set) => ({
  system: EXAMPLE_SYSTEM,
  temperature: '',
  maxTokens: '',
  turns: [],
  setSettings: (p) => set(p),
  add(turn) {
    const id = nextId++;
    set((s) => ({ turns: [...s.turns, { ...turn, id }] }));
    return id;
  },
  update: (id, patch) =>
    set((s) => ({ turns: s.turns.map((t) => (t.id === id ? { ...t, ...(typeof patch === 'function' ? patch(t) : patch) } : t)) })),
  clear: () => set({ turns: [] }),
}));

/**
 * What the model is sent: the system message, then every answered exchange. A question whose
 * answer failed is left out with it, so the next turn does not send two questions in a row.
 */
export function historyFor(system: string, turns: ChatTurn[]): { role: 'system' | 'user' | 'assistant'; content: string }[] {
  const out: { role: 'system' | 'user' | 'assistant'; content: string }[] = [];
  if (system.trim()) out.push({ role: 'system', content: system });
  const failed = (t: ChatTurn | undefined) => t?.role === 'assistant' && (t.status === 'error' || !t.content);
  turns.forEach((t, i) => {
    if (failed(t) || (t.role === 'user' && failed(turns[i + 1]))) return;
    out.push({ role: t.role, content: t.content });
  });
  return out;
}
