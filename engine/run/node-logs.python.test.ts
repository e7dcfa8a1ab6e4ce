/**
 * A Python tool's prints in its node's trace entry: the python node hands each printed line to
 * ctx.log (stdout as info, stderr as warn), and the run keeps them there like any node's log lines.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { builtinNodes } from '../../nodes/index.ts';
import { compileFlow } from '../flow/compile.ts';
import { NodeRegistry } from '../registry.ts';
import { closePythonPools } from '../sandbox/python/pool.ts';
import { runFlow } from './executor.ts';
import { serializeTrace } from './trace.ts';

const registry = new NodeRegistry(builtinNodes);
afterAll(() => closePythonPools());

const CODE = ['import sys', 'def shout(text):', '    print("got", text)', '    print("careful", file=sys.stderr)', '    return text.upper()'].join('\n');

describe("a Python tool's prints", () => {
  it('are log lines on the python node in the serialized trace', async () => {
    const plan = compileFlow({
      weir: 1, name: 'py-logs', inputs: { text: { type: 'string' } }, outputs: { out: '${py.output}' },
      nodes: [{ name: 'py', type: 'python', inputs: { text: '${inputs.text}' }, config: { code: CODE, function: 'shout' } }],
    }, { registry });
    const r = await runFlow(plan, { text: 'hi' });
    expect(r.status, JSON.stringify(r.error)).toBe('succeeded');
    expect(r.outputs.out).toBe('HI');
    const [py] = serializeTrace(r.trace) as { logs?: { level: string; message: string }[] }[];
    expect(py.logs?.map((l) => `${l.level} ${l.message}`)).toEqual(['info got hi', 'warn careful']);
  }, 60_000);
});
