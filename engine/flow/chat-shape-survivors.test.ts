import { describe, expect, it } from 'vitest';
import { chatMarkerProblems, chatShape } from './chat-shape.ts';

/** Cases around the mutants Stryker left alive in chat-shape.ts (see test/mutation/web-apps.md). */

const flow = (inputs: unknown, outputs: unknown) => ({ weir: 1, name: 'f', inputs, outputs, nodes: [] });
const HISTORY = { chat_history: { type: 'chat_history' } };

describe('chatShape', () => {
  it('says a document that is not a mapping is not a flow, without failing', () => {
    for (const doc of [null, [], 'nope', 3]) expect(chatShape(doc)).toEqual({ ok: false, reason: 'the flow is not a mapping' });
  });

  it('reads inputs or outputs that are not mappings as none', () => {
    expect(chatShape(flow(null, { answer: '${a.output}' }))).toEqual({ ok: false, reason: 'it has no string input for the message (mark one with is_chat_input: true)' });
    expect(chatShape(flow('question', { answer: '${a.output}' }))).toEqual({ ok: false, reason: 'it has no string input for the message (mark one with is_chat_input: true)' });
    expect(chatShape(flow({ question: {}, ...HISTORY }, ['answer']))).toEqual({ ok: false, reason: 'it has no output for the answer (mark one with is_chat_output: true)' });
  });

  it('knows each preferred input name among several string inputs', () => {
    for (const name of ['question', 'query', 'input', 'chat_input']) {
      const shape = chatShape(flow({ context: { type: 'string' }, [name]: { type: 'string' }, ...HISTORY }, { answer: '${a.output}' }));
      expect(shape, name).toMatchObject({ ok: true, input: name });
    }
  });

  it('knows each preferred output name among several outputs', () => {
    for (const name of ['answer', 'output', 'reply']) {
      const shape = chatShape(flow({ question: {}, ...HISTORY }, { debug: '${d.output}', [name]: '${a.output}' }));
      expect(shape, name).toMatchObject({ ok: true, output: name });
    }
  });

  it('does not take the history input for the message, even when it has no type', () => {
    expect(chatShape(flow({ past: { is_chat_history: true }, message: { type: 'string' } }, { answer: '${a.output}' }))).toMatchObject({ ok: true, input: 'message', history: 'past' });
  });

  it('does not count the citations output as a candidate for the answer', () => {
    expect(chatShape(flow({ question: {}, ...HISTORY }, { result: '${a.output}', citations: '${c.output}' }))).toEqual({ ok: true, input: 'question', history: 'chat_history', output: 'result', citations: 'citations' });
  });

  it('does not show the answer again as its sources when the marked answer is named citations', () => {
    expect(chatShape(flow({ question: {}, ...HISTORY }, { citations: { reference: '${a.output}', is_chat_output: true } }))).toEqual({ ok: true, input: 'question', history: 'chat_history', output: 'citations', citations: null });
  });

  it('needs history unless both the input and the output are marked', () => {
    const noHistory = 'it has no chat_history input (add one of type chat_history, or mark its inputs and output with is_chat_input / is_chat_output)';
    expect(chatShape(flow({ q: { is_chat_input: true } }, { answer: '${a.output}' }))).toEqual({ ok: false, reason: noHistory });
    expect(chatShape(flow({ question: {} }, { a: { reference: '${x.output}', is_chat_output: true } }))).toEqual({ ok: false, reason: noHistory });
  });

  it('lists the names it looked for and the names it found, separated, in its reasons', () => {
    expect(chatShape(flow({ a: {}, b: {}, ...HISTORY }, { answer: '${a.output}' }))).toEqual({ ok: false, reason: 'no input is marked is_chat_input and none of its string inputs (a, b) is named question, query, input, chat_input' });
    expect(chatShape(flow({ question: {}, ...HISTORY }, { x: '${a.output}', y: '${b.output}' }))).toEqual({ ok: false, reason: 'no output is marked is_chat_output and none of its outputs (x, y) is named answer, output, reply' });
    expect(chatShape(flow({ question: {}, h1: { type: 'chat_history' }, h2: { type: 'chat_history' } }, { answer: '${a.output}' }))).toEqual({ ok: false, reason: 'it has 2 chat_history inputs (h1, h2); mark one with is_chat_history: true' });
  });
});

describe('chatMarkerProblems', () => {
  it('finds none in a document that is not a mapping', () => {
    for (const doc of [null, [], 'nope']) expect(chatMarkerProblems(doc)).toEqual([]);
  });

  it('says which marker is doubled and where the first one is', () => {
    const problems = chatMarkerProblems(flow({ a: { is_chat_input: true }, b: { is_chat_input: true }, h: { type: 'list', is_chat_history: true, is_chat_input: true } }, {}));
    expect(problems.map((p) => p.message)).toEqual([
      'inputs.b is marked is_chat_input, but inputs.a already is; a flow has at most one',
      'inputs.h is marked is_chat_input, but inputs.a already is; a flow has at most one',
      'inputs.h cannot be both the chat input and the chat history',
    ]);
  });
});
