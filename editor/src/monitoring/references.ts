import type { Deployment } from '../deployments/deployments-api.ts';
import { monitoringApi, SHIPPED } from './monitoring-api.ts';

/** Shipped evaluators judged by a chat model on a 1–5 scale (Azure's default threshold: 3); the others score 0 to 1. */
const JUDGED = new Set(['relevance', 'coherence', 'fluency', 'groundedness', 'similarity']);

export const defaultThreshold = (source: string): number => {
  const [kind, name] = splitSource(source);
  return kind === 'evaluator' && !JUDGED.has(name) ? 0.5 : 3;
};

/** An evaluator picker value: `evaluator:<shipped name>` or `flow:<workspace flow>`. */
export const splitSource = (source: string): ['evaluator' | 'flow', string] => {
  const i = source.indexOf(':');
  return [source.slice(0, i) as 'evaluator' | 'flow', source.slice(i + 1)];
};

/** The inputs an evaluator reads: a shipped one's are known, a flow's come from its definition. */
export async function evaluatorInputs(source: string): Promise<string[]> {
  const [kind, name] = splitSource(source);
  if (kind === 'evaluator') return SHIPPED[name] ?? [];
  return Object.keys((await monitoringApi.flow(name)).definition.inputs ?? {});
}

/**
 * What a sampled call of the deployment offers the evaluators: a chat model's question, context
 * and messages and its answer; a flow's own inputs and outputs.
 */
export async function callReferences(d: Deployment | undefined): Promise<string[]> {
  if (!d) return [];
  if (d.kind === 'model') return ['${inputs.question}', '${inputs.context}', '${inputs.messages}', '${outputs.answer}'];
  const def = (await monitoringApi.flow(d.flow).catch(() => undefined))?.definition;
  return [...Object.keys(def?.inputs ?? {}).map((k) => `\${inputs.${k}}`), ...Object.keys(def?.outputs ?? {}).map((k) => `\${outputs.${k}}`)];
}

/** An evaluator input mapped by name when the call has one: the call's output first (an answer is what it gave), else its input. */
export function guessMapping(input: string, refs: string[]): string {
  return refs.find((r) => r === `\${outputs.${input}}`) ?? refs.find((r) => r === `\${inputs.${input}}`) ?? '';
}
