/**
 * A test node held open by the test: it streams the chunks the test pushes into its tap (named by
 * its `name` input) and finishes when the test closes the tap, so a run lasts exactly as long as a
 * test needs (cross-instance event tests).
 */
import { z } from 'zod';
import { defineNode } from '../../engine/node-definition.ts';

export class Tap {
  readonly queue: string[] = [];
  closed = false;
  #wake: (() => void) | undefined;
  push(...chunks: string[]): void {
    this.queue.push(...chunks);
    this.#wake?.();
  }
  close(): void {
    this.closed = true;
    this.#wake?.();
  }
  next(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onAbort = () => reject(signal.reason);
      this.#wake = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** Taps by name: a test adds one before starting a run that reads it. */
export const taps = new Map<string, Tap>();
export const tapNode = defineNode({
  type: 'tap', title: 'Tap', category: 'test', description: 'streams what the test pushes until it is closed', streams: true,
  inputs: { name: z.string() }, output: z.string(), config: z.object({}).strict(),
  async *run(ctx, inputs) {
    const tap = taps.get(inputs.name)!;
    while (true) {
      while (tap.queue.length) yield tap.queue.shift()!;
      if (tap.closed) return;
      await tap.next(ctx.signal);
    }
  },
});
