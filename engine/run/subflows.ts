import { WeirError } from '../errors.ts';
import type { Plan } from '../flow/compile.ts';
import { runFlow } from './executor.ts';
import type { RunHost } from './node-context.ts';

/** Sub-flows nest at most this deep at run time (validation already refuses recursion). */
export const MAX_FLOW_DEPTH = 16;

/**
 * Gives a host the ability to run flows by name: each sub-run gets the calling node's signal, so
 * cancelling the parent cancels the child, and its usage is added to the calling node's.
 */
export function withSubflows(host: Omit<RunHost, 'runFlow'>, loadPlan: (name: string) => Plan | Promise<Plan>): RunHost {
  const at = (depth: number): RunHost => ({
    ...host,
    runFlow: async (name, inputs, signal) => {
      if (depth >= MAX_FLOW_DEPTH) {
        throw new WeirError('flow_depth_exceeded', `sub-flows nest deeper than ${MAX_FLOW_DEPTH} levels at "${name}"`);
      }
      const plan = await loadPlan(name);
      const r = await runFlow(plan, inputs, { signal, host: at(depth + 1) });
      if (r.status !== 'succeeded') {
        throw new WeirError('subflow_failed', `sub-flow "${name}" ${r.status}: ${r.error?.message ?? 'no reason given'}`, { cause: r.cause });
      }
      return { outputs: r.outputs, usage: r.usage };
    },
  });
  return at(0);
}
