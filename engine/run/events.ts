import type { SerializedError } from '../errors.ts';
import type { Usage } from '../node-definition.ts';

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';
export type NodeStatus = 'pending' | 'running' | 'succeeded' | 'skipped' | 'failed' | 'cancelled';

interface Base {
  /** Position of the event in its run, from 1; SSE uses it as the event id. */
  seq: number;
  runId: string;
  /** Epoch milliseconds. */
  at: number;
}

/** Everything a run tells its listeners, in order. */
export type RunEvent =
  | (Base & { type: 'run.started'; flow: string; inputs: Record<string, unknown> })
  | (Base & { type: 'node.started'; node: string; attempt: number })
  | (Base & { type: 'node.chunk'; node: string; chunk: unknown })
  | (Base & { type: 'output.chunk'; output: string; chunk: unknown })
  | (Base & { type: 'node.retrying'; node: string; attempt: number; delayMs: number; error: SerializedError })
  | (Base & { type: 'node.finished'; node: string; ms: number })
  | (Base & { type: 'node.skipped'; node: string; reason: string })
  | (Base & { type: 'node.failed'; node: string; error: SerializedError; continued: boolean })
  | (Base & {
      type: 'run.finished';
      status: Exclude<RunStatus, 'running'>;
      outputs?: Record<string, unknown>;
      error?: SerializedError;
      usage: Usage;
      ms: number;
    });

export type RunEventType = RunEvent['type'];
export type RunListener = (event: RunEvent) => void;

/** Event payloads before the run stamps them with seq, runId and time. */
type Unstamped<E> = E extends RunEvent ? Omit<E, keyof Base> : never;
export type RunEventInit = Unstamped<RunEvent>;
