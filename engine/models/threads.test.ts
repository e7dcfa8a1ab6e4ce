import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { defaultThreads } from './threads.ts';

describe('defaultThreads', () => {
  it('uses every core the process may run on, unless WEIR_THREADS says otherwise', () => {
    expect(defaultThreads({})).toBe(os.availableParallelism());
    expect(defaultThreads({ WEIR_THREADS: '1' })).toBe(1);
  });

  it('refuses a WEIR_THREADS that is not a positive whole number, naming it', () => {
    for (const bad of ['0', '-2', '1.5', 'many']) expect(() => defaultThreads({ WEIR_THREADS: bad })).toThrow(`WEIR_THREADS must be a whole number of 1 or more, not "${bad}"`);
  });
});
