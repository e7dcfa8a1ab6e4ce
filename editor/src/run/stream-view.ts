import type { FlowDoc } from '../api/types.ts';
import type { RunView } from '../flow/run-state.ts';
import { isSingleRef, refsIn } from '../flow/refs.ts';

/** Nodes whose whole output is a flow output: their stream already shows as that output's stream. */
export function nodesStreamedAsOutputs(outputs: FlowDoc['outputs']): Set<string> {
  const out = new Set<string>();
  for (const o of Object.values(outputs ?? {})) {
    const text = typeof o === 'string' ? o : o.reference;
    // A template around the reference streams other text than the node: keep that node's stream.
    const r = isSingleRef(text) ? refsIn(text)[0] : undefined;
    if (r?.kind === 'node' && r.path.length === 0) out.add(r.node);
  }
  return out;
}

/** The node streams worth showing beside the outputs while a run goes: the ones no output repeats. */
export function extraStreams(run: RunView, outputs: FlowDoc['outputs']): [string, string][] {
  const shown = nodesStreamedAsOutputs(outputs);
  return Object.entries(run.nodes).flatMap(([name, n]) => (n.streamed && !shown.has(name) ? [[name, n.streamed] as [string, string]] : []));
}
