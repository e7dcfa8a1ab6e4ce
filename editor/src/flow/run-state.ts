import type { NodeRunStatus, RunStatus } from '../api/types.ts';

export interface NodeRun {
  status: NodeRunStatus;
  attempt: number;
  ms?: number;
  /** Text streamed so far by a streaming node. */
  streamed?: string;
  error?: { code: string; message: string };
  reason?: string;
}

export interface RunView {
  id?: string;
  status: RunStatus | 'starting';
  nodes: Record<string, NodeRun>;
  /** Streaming flow outputs as they arrive. */
  outputs: Record<string, unknown>;
  error?: { code: string; message: string };
  usage?: Record<string, number>;
  ms?: number;
}

/** A run event as the server sends it (engine/run/events.ts), read loosely: unknown kinds are ignored. */
export interface RunEventJson {
  type: string;
  runId?: string;
  node?: string;
  attempt?: number;
  ms?: number;
  chunk?: unknown;
  output?: string;
  reason?: string;
  error?: { code: string; message: string };
  status?: RunStatus;
  outputs?: Record<string, unknown>;
  usage?: Record<string, number>;
}

export function startRun(nodes: string[]): RunView {
  return { status: 'starting', nodes: Object.fromEntries(nodes.map((n) => [n, { status: 'queued', attempt: 0 }])), outputs: {} };
}

function chunkText(c: unknown): string {
  if (typeof c === 'string') return c;
  const delta = (c as { choices?: { delta?: { content?: string } }[] })?.choices?.[0]?.delta?.content;
  return typeof delta === 'string' ? delta : JSON.stringify(c);
}

/** The one place run state changes: each SSE event of the run, in order. */
export function applyRunEvent(run: RunView, e: RunEventJson): RunView {
  const node = (name: string, patch: Partial<NodeRun>): RunView => ({
    ...run,
    nodes: { ...run.nodes, [name]: { ...(run.nodes[name] ?? { status: 'queued', attempt: 0 }), ...patch } },
  });
  switch (e.type) {
    case 'run.started':
      return { ...run, id: e.runId, status: 'running' };
    case 'node.started':
      return node(e.node!, { status: 'running', attempt: e.attempt ?? 1, error: undefined });
    case 'node.retrying':
      return node(e.node!, { status: 'running', attempt: e.attempt ?? 1, error: e.error });
    case 'node.chunk':
      return node(e.node!, { streamed: (run.nodes[e.node!]?.streamed ?? '') + chunkText(e.chunk) });
    case 'node.finished':
      return node(e.node!, { status: 'succeeded', ms: e.ms });
    case 'node.skipped':
      return node(e.node!, { status: 'skipped', reason: e.reason });
    case 'node.failed':
      return node(e.node!, { status: 'failed', error: e.error });
    case 'output.chunk': {
      const prev = run.outputs[e.output!];
      return { ...run, outputs: { ...run.outputs, [e.output!]: (typeof prev === 'string' ? prev : '') + chunkText(e.chunk) } };
    }
    case 'run.finished': {
      const status = e.status ?? 'failed';
      // Nodes that never started when the run ended did not run: show them as such, not queued forever.
      const nodes = Object.fromEntries(
        Object.entries(run.nodes).map(([k, v]) => [k, v.status === 'queued' ? { ...v, status: 'skipped' } : v.status === 'running' ? { ...v, status: 'cancelled' } : v] as [string, NodeRun]),
      );
      return { ...run, status, nodes, outputs: e.outputs ?? run.outputs, error: e.error, usage: e.usage, ms: e.ms };
    }
    default:
      return run;
  }
}
