import type { FlowDoc, NodeTypeInfo } from '../api/types.ts';

const S = (type: string) => ({ type });

/** Node types shaped like the server's /api/node-types answer (a subset of the real ones). */
export const TYPES: Record<string, NodeTypeInfo> = {
  prompt: { type: 'prompt', title: 'Prompt', category: 'text', inputs: {}, required_inputs: [], extra_inputs: {}, output: S('string'), config: {}, streams: false, accepts_skipped_inputs: false },
  embed: {
    type: 'embed', title: 'Embed', category: 'models', inputs: { text: { anyOf: [S('string'), { type: 'array', items: S('string') }] } }, required_inputs: ['text'],
    extra_inputs: null, output: { type: 'array', items: S('number') }, config: {}, streams: false, accepts_skipped_inputs: false,
  },
  lookup: {
    type: 'lookup', title: 'Lookup', category: 'data', inputs: { query: S('string'), top_k: S('integer') }, required_inputs: ['query'], extra_inputs: null,
    output: { type: 'object', properties: { chunks: { type: 'array' }, found: S('boolean') } }, config: {}, streams: false, accepts_skipped_inputs: false,
  },
};

/** inputs.question → greet (prompt) → lookup(query) ; outputs.answer ← lookup.output.chunks */
export function sampleFlow(): FlowDoc {
  return {
    weir: 1,
    name: 'sample',
    inputs: { question: { type: 'string' }, n: { type: 'integer' } },
    outputs: { answer: '${lookup.output.chunks}' },
    nodes: [
      { name: 'greet', type: 'prompt', inputs: { q: '${inputs.question}', intro: 'Q: ${inputs.question} (from ${greet2.output})' }, config: { template: '{{ q }}' } },
      { name: 'greet2', type: 'prompt', inputs: {} },
      { name: 'lookup', type: 'lookup', inputs: { query: '${greet.output}', top_k: '${inputs.n}' }, activate: { when: '${greet2.output}', is: 'yes' } },
    ],
    layout: { greet: [0, 0], greet2: [0, 200], lookup: [300, 0] },
  };
}
