import { WeirError } from '../../errors.ts';

/** What a sampled call gives its evaluators: the call's inputs and outputs. */
export interface SampledCall {
  id: string;
  deployment: string;
  at: number;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

const REF = /^\$\{(inputs|outputs)\.([A-Za-z_][\w-]*)\}$/;

/** An evaluator's inputs from the call: each `${inputs.x}` / `${outputs.x}` read from it, anything else as written. */
export function mapInputs(mapping: Record<string, unknown>, call: SampledCall): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(mapping)) {
    const m = typeof value === 'string' ? REF.exec(value) : null;
    if (!m) {
      out[name] = value;
      continue;
    }
    const from = m[1] === 'inputs' ? call.inputs : call.outputs;
    if (!Object.hasOwn(from, m[2]!)) throw new WeirError('invalid_request', `the call has no ${m[1]}.${m[2]} for the evaluator's input "${name}"`);
    out[name] = from[m[2]!];
  }
  return out;
}

/** The references a mapping makes that are not of the call's shape, for checking a monitor when it is set. */
export function badReferences(mapping: Record<string, unknown>): string[] {
  return Object.entries(mapping)
    .filter(([, v]) => typeof v === 'string' && v.includes('${') && !REF.test(v))
    .map(([k, v]) => `${k}: ${String(v)}`);
}
