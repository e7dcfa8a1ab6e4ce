import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main } from '../engine/cli.ts';
import { probe, testRegistry } from './helpers/test-nodes.ts';

// No built-in node streams yet (the llm node comes with models), so this drives the CLI entry
// point in-process with the test-only streaming node.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'weir-cli-stream-'));
  await writeFile(
    path.join(dir, 'talk.flow.yaml'),
    `weir: 1
name: talk
inputs: { text: { type: string } }
outputs:
  said: \${talk.output}
  later: \${slow.output}
nodes:
  - name: talk
    type: stream
    inputs: { text: \${inputs.text} }
    config: { delay_ms: 20 }
  - name: slow
    type: wait
    inputs: { value: finished }
    config: { ms: 200 }
`,
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('prints a streaming output chunk by chunk as it comes, then the other outputs', async () => {
  probe.reset();
  // Each write notes whether the slow branch (the only "wait" node) was still running at the time.
  const writes: { text: string; slowRunning: boolean }[] = [];
  const io = { out: (text: string) => void writes.push({ text, slowRunning: probe.running > 0 }), err: () => {} };
  const code = await main(['run', path.join(dir, 'talk.flow.yaml'), '--input', 'text=one two three'], io, testRegistry());
  expect(code).toBe(0);
  expect(writes.map((w) => w.text)).toEqual(['one ', 'two ', 'three ', '\n', 'later: finished\n']);
  // The chunks were written while the slow branch was still running, not all at the end.
  expect(writes.map((w) => w.slowRunning)).toEqual([true, true, true, false, false]);
});
