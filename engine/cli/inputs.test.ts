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
