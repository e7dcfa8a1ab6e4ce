import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { readCliInputs } from './inputs.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-cli-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const deep = (n: number) => `${'['.repeat(n)}1${']'.repeat(n)}`;

describe('run inputs given to the CLI', () => {
  it('refuses a value nested 100 000 deep, from --inputs and from --input, as an input error', async () => {
    // Printing such a value overflowed the stack: `weir run` died with a RangeError trace.
    const file = path.join(dir, 'deep.json');
    writeFileSync(file, `{"x": ${deep(100_000)}}`);
    await expect(readCliInputs([], [], file)).rejects.toThrow(new InputError(`--inputs ${file}: the JSON nests deeper than 64 levels`));
    await expect(readCliInputs([{ name: 'x', type: 'any', optional: false }], [`x=${deep(100_000)}`])).rejects.toThrow('--input x: the value nests deeper than 64 levels');
  });

  it('still reads values nested within the limit', async () => {
    const file = path.join(dir, 'ok.json');
    writeFileSync(file, `{"x": ${deep(10)}}`);
    expect(JSON.stringify((await readCliInputs([], [], file)).x)).toBe(deep(10));
  });
});

describe('reading --input and --inputs (the mutants left alive, see README Mutation testing)', () => {
  const specs = [
    { name: 'n', type: 'number', optional: false },
    { name: 's', type: 'string', optional: false },
    { name: 'a', type: 'any', optional: true },
    { name: 'l', type: 'list', optional: true },
  ] as Parameters<typeof readCliInputs>[0];
  const file = (name: string, text: string) => {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it('reads typed inputs as JSON, strings and undeclared names as text, after the first =', async () => {
    expect(await readCliInputs(specs, ['n=3', 's=42', 'a=[1]', 'l=["x"]', 'other=7', 's2=a=b'])).toEqual({ n: 3, s: '42', a: [1], l: ['x'], other: '7', s2: 'a=b' });
    expect(await readCliInputs(specs, ['s=x=y', 'n=0'])).toEqual({ s: 'x=y', n: 0 });
  });

  it('an "any" input that is not JSON is its text; any other type names the type and the value', async () => {
    expect(await readCliInputs(specs, ['a=hello'])).toEqual({ a: 'hello' });
    await expect(readCliInputs(specs, ['n=three'])).rejects.toThrow(new InputError('--input n: the flow input is number, and "three" is not a JSON number value'));
  });

  it('refuses a pair without a key or without =', async () => {
    for (const pair of ['=3', 'n3']) await expect(readCliInputs(specs, [pair])).rejects.toThrow(new InputError(`--input ${pair}: expected key=value`));
  });

  it('takes an object from --inputs, refuses anything else, and lets --input win', async () => {
    expect(await readCliInputs(specs, ['n=2'], file('obj.json', '{"n": 1, "s": "x"}'))).toEqual({ n: 2, s: 'x' });
    for (const [name, text] of [['arr.json', '[1]'], ['null.json', 'null'], ['num.json', '5'], ['str.json', '"x"']]) {
      const f = file(name, text);
      await expect(readCliInputs(specs, [], f), name).rejects.toThrow(new InputError(`--inputs ${f} must hold a JSON object`));
    }
  });

  it('accepts a file nested exactly at the limit and refuses one level more', async () => {
    // The object itself is one level: 63 lists inside it make 64.
    expect(await readCliInputs([], [], file('at.json', `{"x": ${deep(63)}}`))).toHaveProperty('x');
    await expect(readCliInputs([], [], file('over.json', `{"x": ${deep(64)}}`))).rejects.toThrow('nests deeper than 64 levels');
    expect(await readCliInputs(specs, [`l=${deep(64)}`])).toHaveProperty('l');
    await expect(readCliInputs(specs, [`l=${deep(65)}`])).rejects.toThrow('--input l: the value nests deeper than 64 levels');
  });
});
