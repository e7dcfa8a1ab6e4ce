/** Prompt flow's chat markers survive the studio's edits of inputs and outputs (the web app reads them). */
import { describe, expect, it } from 'vitest';
import type { FlowDoc } from '../api/types.ts';
import { renameFlowInput, renameOutput, retype, setFlowInput } from '../inspector/flow-edits.ts';
import { connect, renameNode } from './edit.ts';
import { OUTPUTS_NODE } from './ports.ts';

const chatFlow = (): FlowDoc => ({
  weir: 1,
  name: 'chat',
  inputs: { question: { type: 'string', is_chat_input: true }, chat_history: { type: 'chat_history', default: [], is_chat_history: true } },
  outputs: { answer: { reference: '${reply.output}', is_chat_output: true } },
  nodes: [{ name: 'reply', type: 'transform', inputs: { q: '${inputs.question}' }, config: { expression: 'q' } }, { name: 'other', type: 'transform', inputs: {}, config: { expression: '1' } }],
});

describe('chat markers in the studio', () => {
  it('keeps the input markers through retyping, describing and renaming', () => {
    let doc = chatFlow();
    doc = setFlowInput(doc, 'chat_history', retype(doc.inputs!.chat_history, 'list'));
    doc = setFlowInput(doc, 'question', { ...doc.inputs!.question, description: 'what the visitor asks' });
    doc = renameFlowInput(doc, 'question', 'query');
    expect(doc.inputs).toEqual({ query: { type: 'string', is_chat_input: true, description: 'what the visitor asks' }, chat_history: { type: 'list', default: [], is_chat_history: true } });
  });

  it('keeps the output marker when the answer is rewired, its node renamed or the output renamed', () => {
    let doc = connect(chatFlow(), { source: 'other', sourceHandle: 'out', target: OUTPUTS_NODE, targetHandle: 'in:answer' }).doc;
    expect(doc.outputs!.answer).toEqual({ reference: '${other.output}', is_chat_output: true });
    doc = renameNode(doc, 'other', 'final');
    doc = renameOutput(doc, 'answer', 'reply');
    expect(doc.outputs).toEqual({ reply: { reference: '${final.output}', is_chat_output: true } });
  });
});
