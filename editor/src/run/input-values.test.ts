import { describe, expect, it } from 'vitest';
import type { FlowInputDoc } from '../api/types.ts';
import { collectInputs, fieldKind, initialValue, initialValues, parseField, valuesFromInputs } from './input-values.ts';

const ok = (value: unknown) => ({ ok: true, value });
const omit = { ok: true, omit: true };

describe('fields by type', () => {
  it('picks the editor for each declared type (untyped inputs are strings)', () => {
    expect(fieldKind({})).toBe('text');
    expect(fieldKind({ type: 'integer' })).toBe('number');
    expect(fieldKind({ type: 'boolean' })).toBe('boolean');
    for (const t of ['object', 'array', 'list', 'chat_history', 'any'] as const) expect(fieldKind({ type: t })).toBe('json');
  });

  it('prefills defaults in the form each field edits', () => {
    expect(initialValue({ type: 'string', default: 'world' })).toBe('world');
    expect(initialValue({ type: 'string' })).toBe('');
    expect(initialValue({ type: 'number', default: 0.5 })).toBe('0.5');
    expect(initialValue({ type: 'boolean', default: true })).toBe(true);
    expect(initialValue({ type: 'boolean' })).toBe(false);
    expect(initialValue({ type: 'chat_history', default: [] })).toBe('[]');
    expect(initialValue({ type: 'object', default: { a: 1 } })).toBe('{\n  "a": 1\n}');
    expect(initialValue({ type: 'any' })).toBe('');
    expect(initialValues({ a: { default: 'x' }, b: { type: 'boolean' } })).toEqual({ a: 'x', b: false });
    expect(initialValues(undefined)).toEqual({});
  });
});

describe('parseField', () => {
  it('sends text as typed; an empty optional text is left out', () => {
    expect(parseField({ type: 'string' }, 'hi')).toEqual(ok('hi'));
    expect(parseField({ type: 'string' }, '')).toEqual(ok(''));
    expect(parseField({ type: 'string', optional: true }, '')).toEqual(omit);
    expect(parseField({ type: 'string', default: 'w' }, '')).toEqual(omit);
  });

  it('coerces numbers and integers', () => {
    expect(parseField({ type: 'number' }, ' 2.5 ')).toEqual(ok(2.5));
    expect(parseField({ type: 'number' }, 'abc')).toEqual({ ok: false, error: 'not a number' });
    expect(parseField({ type: 'integer' }, '3')).toEqual(ok(3));
    expect(parseField({ type: 'integer' }, '3.2')).toEqual({ ok: false, error: 'must be a whole number' });
    expect(parseField({ type: 'number' }, '')).toEqual({ ok: false, error: 'required' });
    expect(parseField({ type: 'number', default: 1 }, '')).toEqual(omit);
  });

  it('sends booleans as booleans', () => {
    expect(parseField({ type: 'boolean' }, true)).toEqual(ok(true));
    expect(parseField({ type: 'boolean' }, false)).toEqual(ok(false));
  });

  it('parses JSON and checks its shape against the type', () => {
    expect(parseField({ type: 'object' }, '{"a":1}')).toEqual(ok({ a: 1 }));
    expect(parseField({ type: 'object' }, '[1]')).toMatchObject({ ok: false, error: expect.stringMatching(/object/) });
    expect(parseField({ type: 'array' }, '[1,2]')).toEqual(ok([1, 2]));
    expect(parseField({ type: 'list' }, '{}')).toMatchObject({ ok: false, error: expect.stringMatching(/list/) });
    expect(parseField({ type: 'any' }, '"text"')).toEqual(ok('text'));
    expect(parseField({ type: 'any' }, 'null')).toEqual(ok(null));
    expect(parseField({ type: 'object' }, '{a:1}')).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid JSON/) });
    expect(parseField({ type: 'object' }, '  ')).toEqual({ ok: false, error: 'required' });
    expect(parseField({ type: 'object', optional: true }, '')).toEqual(omit);
  });

  it('wants a chat history to be a list of message objects', () => {
    const msgs = [{ role: 'user', content: 'hi' }];
    expect(parseField({ type: 'chat_history' }, JSON.stringify(msgs))).toEqual(ok(msgs));
    expect(parseField({ type: 'chat_history' }, '{"role":"user"}')).toMatchObject({ ok: false, error: expect.stringMatching(/list of messages/) });
    expect(parseField({ type: 'chat_history' }, '[{"role":"user","content":"a"}, "b"]')).toMatchObject({ ok: false, error: expect.stringMatching(/message 2/) });
    expect(parseField({ type: 'chat_history', default: [] }, '')).toEqual(omit);
  });
});

describe('collectInputs', () => {
  const defs: Record<string, FlowInputDoc> = {
    name: { type: 'string', default: 'world' },
    excited: { type: 'boolean', default: false },
    n: { type: 'integer' },
    extra: { type: 'object', optional: true },
  };

  it('builds the inputs body, leaving out empty optional fields', () => {
    expect(collectInputs(defs, { name: 'Ann', excited: true, n: '4', extra: '' })).toEqual({ inputs: { name: 'Ann', excited: true, n: 4 }, errors: {} });
  });

  it('uses defaults for fields the form never touched, and names every bad field', () => {
    const r = collectInputs(defs, { n: 'x', extra: '{' });
    expect(r.inputs).toEqual({ name: 'world', excited: false });
    expect(Object.keys(r.errors).sort()).toEqual(['extra', 'n']);
  });

  it('fills the form from a past run, keeping fields the run lacks', () => {
    const v = valuesFromInputs(defs, { name: 'Bo', n: 2, extra: { a: 1 }, gone: 1 }, { excited: true });
    expect(v).toEqual({ name: 'Bo', excited: true, n: '2', extra: '{\n  "a": 1\n}' });
  });
});
