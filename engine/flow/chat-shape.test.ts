import { describe, expect, it } from 'vitest';
import { validateFlow } from './validate.ts';
import { registry } from '../../test/helpers/flows.ts';
import { chatMarkerProblems, chatShape } from './chat-shape.ts';

const flow = (inputs: Record<string, unknown>, outputs: Record<string, unknown>) => ({ weir: 1, name: 'f', inputs, outputs, nodes: [] });

describe('chatShape', () => {
  it('reads the markers, whatever the names', () => {
    const f = flow({ msg: { type: 'string', is_chat_input: true }, past: { type: 'list', is_chat_history: true }, tone: { type: 'string' } }, { out: { reference: '${x.output}', is_chat_output: true }, citations: '${c.output}', other: '${y.output}' });
    expect(chatShape(f)).toEqual({ ok: true, input: 'msg', history: 'past', output: 'out', citations: 'citations' });
  });

  it('infers a chat without markers: one chat_history input, the preferred input and output names', () => {
    const f = flow({ topic: { type: 'string' }, question: { type: 'string' }, chat_history: { type: 'chat_history' } }, { answer: '${a.output}', debug: '${b.output}' });
    expect(chatShape(f)).toEqual({ ok: true, input: 'question', history: 'chat_history', output: 'answer', citations: null });
    // One string input and one output need no preferred names.
    expect(chatShape(flow({ ask: {}, h: { type: 'chat_history' } }, { said: '${a.output}' }))).toEqual({ ok: true, input: 'ask', history: 'h', output: 'said', citations: null });
  });

  it('says why a flow is not a chat', () => {
    expect(chatShape(flow({ question: { type: 'string' } }, { answer: '${a.output}' }))).toMatchObject({ ok: false, reason: expect.stringMatching(/no chat_history input/) });
    expect(chatShape(flow({ a: { type: 'string' }, b: { type: 'string' }, h: { type: 'chat_history' } }, { answer: '${a.output}' }))).toMatchObject({ ok: false, reason: expect.stringMatching(/none of its string inputs \(a, b\)/) });
    expect(chatShape(flow({ question: {}, h: { type: 'chat_history' } }, { x: '${a.output}', y: '${b.output}' }))).toMatchObject({ ok: false, reason: expect.stringMatching(/none of its outputs \(x, y\)/) });
    expect(chatShape(flow({ question: {}, h1: { type: 'chat_history' }, h2: { type: 'chat_history' } }, { answer: '${a.output}' }))).toMatchObject({ ok: false, reason: expect.stringMatching(/2 chat_history inputs/) });
    expect(chatShape(flow({ n: { type: 'number' }, h: { type: 'chat_history' } }, { answer: '${a.output}' }))).toMatchObject({ ok: false, reason: expect.stringMatching(/no string input/) });
    expect(chatShape(flow({ question: {}, h: { type: 'chat_history' } }, {}))).toMatchObject({ ok: false, reason: expect.stringMatching(/no output/) });
    expect(chatShape('nope')).toMatchObject({ ok: false });
  });

  it('takes a marked input and output as a chat even without history', () => {
    expect(chatShape(flow({ q: { is_chat_input: true } }, { a: { reference: '${x.output}', is_chat_output: true } }))).toEqual({ ok: true, input: 'q', history: null, output: 'a', citations: null });
  });
});

describe('chat marker problems', () => {
  it('allows one of each marker, names every second one and a history input of another type', () => {
    const f = flow(
      { a: { is_chat_input: true }, b: { is_chat_input: true }, h: { type: 'string', is_chat_history: true }, both: { type: 'list', is_chat_input: true, is_chat_history: true } },
      { x: { reference: '${n.output}', is_chat_output: true }, y: { reference: '${n.output}', is_chat_output: true } },
    );
    const problems = chatMarkerProblems(f);
    expect(problems.map((p) => [p.code, p.path.join('.')])).toEqual([
      ['duplicate_chat_marker', 'inputs.b.is_chat_input'],
      ['duplicate_chat_marker', 'inputs.both.is_chat_input'],
      ['duplicate_chat_marker', 'inputs.both.is_chat_history'],
      ['duplicate_chat_marker', 'outputs.y.is_chat_output'],
      ['invalid_chat_history', 'inputs.h.type'],
      ['duplicate_chat_marker', 'inputs.both.is_chat_history'],
    ]);
    expect(problems.find((p) => p.code === 'invalid_chat_history')!.message).toMatch(/inputs\.h .* not string/);
  });

  it('are reported by flow validation, and the markers themselves are part of the format', () => {
    const f = { weir: 1, name: 'f', inputs: { q: { type: 'string', is_chat_input: true }, h: { type: 'chat_history', default: [], is_chat_history: true } }, outputs: { a: { reference: '${inputs.q}', is_chat_output: true } }, nodes: [] };
    expect(validateFlow(f, { registry }).problems.filter((p) => p.severity !== 'warning')).toEqual([]);
    const bad = { ...f, inputs: { ...f.inputs, h: { type: 'number', is_chat_history: true } } };
    const v = validateFlow(bad, { registry });
    expect(v.ok).toBe(false);
    expect(v.problems.map((p) => p.code)).toContain('invalid_chat_history');
    const typo = { ...f, inputs: { q: { type: 'string', is_chat_inptu: true } } };
    expect(validateFlow(typo, { registry }).problems.map((p) => p.code)).toContain('unknown_field');
  });
});
