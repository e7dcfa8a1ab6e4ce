import { describe, expect, it } from 'vitest';
import { fieldOf, fieldsOf, isEmptyValue, languageFor, parseJsonText, parseNumberText, placeholderOf, rangeHint, resolveSchema, setField } from './schema-utils.ts';

// The llm node's config as the server describes it (zod's toJSONSchema), trimmed.
const llm = {
  type: 'object',
  properties: {
    deployment: { description: 'Model deployment to call.', type: 'string', minLength: 1 },
    mode: { default: 'chat', type: 'string', enum: ['chat', 'completion'] },
    template: { description: 'Inline Jinja template text; its variables are the node inputs.', type: 'string' },
    template_file: { description: 'Template file, relative to the flow file.', type: 'string', minLength: 1 },
    max_tokens: { type: 'integer', minimum: 1, maximum: 131072 },
    temperature: { type: 'number', minimum: 0, maximum: 2 },
    seed: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
    stop: { maxItems: 4, type: 'array', items: { type: 'string', minLength: 1 } },
    headers: { default: {}, type: 'object', additionalProperties: { type: 'string' } },
    retry: { type: 'object', properties: { times: { type: 'integer' } }, required: ['times'] },
    stream: { type: 'boolean', default: true },
  },
  required: ['deployment'],
  additionalProperties: false,
};

describe('fieldsOf', () => {
  const byName = Object.fromEntries(fieldsOf(llm).map((f) => [f.name, f]));

  it('derives a kind per field in schema order', () => {
    expect(fieldsOf(llm).map((f) => [f.name, f.kind])).toEqual([
      ['deployment', 'string'], ['mode', 'enum'], ['template', 'code'], ['template_file', 'string'], ['max_tokens', 'integer'],
      ['temperature', 'number'], ['seed', 'integer'], ['stop', 'list'], ['headers', 'json'], ['retry', 'object'], ['stream', 'boolean'],
    ]);
  });

  it('marks required fields and carries help and default hints', () => {
    expect(byName.deployment.required).toBe(true);
    expect(byName.mode.required).toBe(false);
    expect(byName.deployment.help).toBe('Model deployment to call.');
    expect(byName.mode.placeholder).toBe('default: chat');
    expect(byName.headers.placeholder).toBeUndefined();
  });

  it('describes list items', () => {
    expect(byName.stop.item).toEqual({ kind: 'string', schema: { type: 'string', minLength: 1 } });
  });
});

describe('languageFor', () => {
  it('edits templates, prompts and system text as jinja and expressions as jsonata', () => {
    expect(languageFor('template', {})).toBe('jinja2');
    expect(languageFor('system_prompt', {})).toBe('jinja2');
    expect(languageFor('expression', {})).toBe('jsonata');
    expect(languageFor('body', { description: 'Template producing the JSON request body' })).toBe('jinja2');
  });
  it('leaves file names and plain strings alone', () => {
    expect(languageFor('template_file', {})).toBeUndefined();
    expect(languageFor('url', { description: 'may use {{ inputs }}' })).toBeUndefined();
  });
});

describe('resolveSchema', () => {
  const textOrList = { description: 'd', anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };
  it('picks the branch matching the value, else the first usable one', () => {
    expect(resolveSchema(textOrList)?.type).toBe('string');
    expect(resolveSchema(textOrList, ['a'])?.type).toBe('array');
    expect(resolveSchema(textOrList, ['a'])?.description).toBe('d');
  });
  it('ignores null branches and falls back to JSON when no branch has a form', () => {
    expect(resolveSchema({ anyOf: [{ type: 'null' }, { type: 'number' }] })?.type).toBe('number');
    expect(resolveSchema({ anyOf: [{ type: 'object' }, { type: 'array', items: { type: 'object' } }] })).toBeNull();
    expect(fieldOf('x', { anyOf: [{ type: 'object' }, {}] }, false).kind).toBe('json');
  });
  it('reads nullable type arrays as their single type', () => {
    expect(fieldOf('x', { type: ['integer', 'null'] }, false).kind).toBe('integer');
  });
});

describe('setField', () => {
  it('removes fields left empty instead of writing ""', () => {
    expect(setField({ a: 1, b: 'x' }, 'b', '')).toEqual({ a: 1 });
    expect(setField({ a: 1 }, 'b', [])).toEqual({ a: 1 });
    expect(setField({ a: 1 }, 'b', {})).toEqual({ a: 1 });
    expect(setField({ a: 1 }, 'a', undefined)).toBeUndefined();
  });
  it('keeps falsy values that are values', () => {
    expect(setField(undefined, 'n', 0)).toEqual({ n: 0 });
    expect(setField(undefined, 'b', false)).toEqual({ b: false });
  });
  it('keeps the key order of the other fields', () => {
    expect(Object.keys(setField({ a: 1, b: 2, c: 3 }, 'b', 5)!)).toEqual(['a', 'c', 'b']);
  });
  it('treats undefined, empty text and empty containers as empty', () => {
    expect([undefined, '', [], {}].every(isEmptyValue)).toBe(true);
    expect([0, false, null, ' '].some(isEmptyValue)).toBe(false);
  });
});

describe('parseNumberText', () => {
  const t = { type: 'number', minimum: 0, maximum: 2 };
  it('checks bounds and whole numbers', () => {
    expect(parseNumberText('1.5', t)).toEqual({ value: 1.5 });
    expect(parseNumberText('3', t).error).toMatch(/at most 2/);
    expect(parseNumberText('-1', t).error).toMatch(/at least 0/);
    expect(parseNumberText('1.5', { type: 'integer' }).error).toMatch(/whole/);
    expect(parseNumberText('0', { type: 'number', exclusiveMinimum: 0 }).error).toMatch(/more than 0/);
    expect(parseNumberText('abc', t).error).toBe('not a number');
  });
  it('reads empty text as no value', () => {
    expect(parseNumberText('  ', t)).toEqual({});
  });
});

describe('hints', () => {
  it('shows real bounds only', () => {
    expect(rangeHint({ minimum: 0, maximum: 2 })).toBe('0 – 2');
    expect(rangeHint({ minimum: -9007199254740991, maximum: 9007199254740991 })).toBeUndefined();
    expect(rangeHint({ exclusiveMinimum: 0 })).toBe('> 0');
  });
  it('shows defaults as placeholders', () => {
    expect(placeholderOf({ default: 2000 })).toBe('default: 2000');
    expect(placeholderOf({})).toBeUndefined();
  });
  it('parses JSON with a readable error', () => {
    expect(parseJsonText('{"a":1}')).toEqual({ value: { a: 1 } });
    expect(parseJsonText('{a}').error).toMatch(/not valid JSON/);
    expect(parseJsonText('')).toEqual({});
  });
});
