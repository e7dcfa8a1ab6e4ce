/**
 * Bugs found by importing real prompt flows beyond the development set (microsoft/promptflow
 * examples/flows), each reproduced by a reduced flow of our own in fixtures/, with python3 reading
 * the tools' signatures as it does on import.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateFlow } from '../../engine/flow/validate.ts';
import { NodeRegistry } from '../../engine/registry.ts';
import { closePythonPools } from '../../engine/sandbox/python/pool.ts';
import type { PythonSignature } from '../../engine/sandbox/python/signature-types.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { pyContext, runPython } from '../../test/helpers/python-tools.ts';
import { importPromptflow } from './import-flow.ts';
import { readFolder } from './read-source.ts';
import type { ImportResult } from './types.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const registry = new NodeRegistry(builtinNodes);
afterAll(() => closePythonPools());

type Node = { name: string; type: string; inputs: Record<string, unknown>; config: Record<string, unknown> & { signature: PythonSignature } };
const flowOf = (r: ImportResult) => parse(r.flows[0].yaml) as Record<string, unknown> & { nodes: Node[] };
const nodeOf = (r: ImportResult, name: string) => flowOf(r).nodes.find((n) => n.name === name)!;
const importFixture = (name: string, env: Record<string, string> = {}) => importPromptflow(readFolder(path.join(FIXTURES, name)).files, { name, env });

describe('a tool parameter annotated with a union of connection classes (basic-with-connection, autonomous-agent)', () => {
  it('is a connection parameter, so the tool gets the connection object, not its name', async () => {
    const r = await importFixture('union-connection', { MY_CONN_KEY: 'k' });
    const call = nodeOf(r, 'call');
    expect(call.config.signature.params.find((p) => p.name === 'connection')).toMatchObject({ type: 'connection', annotation: 'Union[CustomConnection, AzureOpenAIConnection]' });
    expect(call.config.signature.params.find((p) => p.name === 'connection')?.connection_class).toBeUndefined();
    expect(r.report.items.find((i) => i.what === 'node call: input connection is connection my_conn')?.status).toBe('attention');
    expect(r.connections.map((c) => [c.name, c.type])).toEqual([['my_conn', 'custom']]);

    const ctx = pyContext({ flowDir: path.join(FIXTURES, 'union-connection'), connections: { my_conn: { type: 'custom', settings: r.connections[0].settings, secrets: r.connections[0].secrets } } });
    expect(await runPython(call.config, { connection: 'my_conn', q: 'hi' }, ctx)).toBe('CustomConnection:north:hi');
  });
});

describe('return annotations prompt flow never checks (eval-qna-non-rag: "-> str" returning a dict, a float)', () => {
  it('the contradicted outputs become any, with a changed item each; the flow validates; a consistent annotation stays', async () => {
    const r = await importFixture('return-annotation');
    const returns = Object.fromEntries(flowOf(r).nodes.map((n) => [n.name, n.config.signature.returns]));
    expect(returns).toEqual({ select: 'any', f1: 'any', score: 'double' });
    const changed = r.report.items.filter((i) => /output typed any/.test(i.what));
    expect(changed.map((i) => [i.status, i.what, i.target])).toEqual([
      ['changed', 'node select: output typed any (annotated string)', 'nodes.select.config.signature.returns'],
      ['changed', 'node f1: output typed any (annotated string)', 'nodes.f1.config.signature.returns'],
    ]);
    expect(changed[0].why).toContain('node f1 binds it to a object parameter');
    const v = validateFlow(flowOf(r), { registry, flowDir: path.join(FIXTURES, 'return-annotation') });
    expect(v.problems.filter((p) => p.severity !== 'warning')).toEqual([]);
  });
});

describe('a tool reading a vector lookup (promptflow-copilot: generate_prompt_context(search_result: List[dict]))', () => {
  it('reads the chunks list of the vector_lookup node, and the flow validates', async () => {
    const r = await importFixture('vector-reader');
    const doc = flowOf(r);
    expect(nodeOf(r, 'lookup')).toMatchObject({ type: 'vector_lookup', inputs: { query: '${inputs.question}' }, config: { top_k: 2 } });
    expect(nodeOf(r, 'format_context').inputs.search_result).toBe('${lookup.output.chunks}');
    expect((doc.outputs as Record<string, { reference: string }>).raw.reference).toBe('${lookup.output.chunks}');
    expect(r.report.items.filter((i) => /output\.chunks/.test(i.what)).map((i) => [i.status, i.what])).toEqual([
      ['changed', 'node format_context: ${lookup.output} → ${lookup.output.chunks}'],
      ['changed', 'output raw: ${lookup.output} → ${lookup.output.chunks}'],
    ]);
    // relevant() says -> str but returns a bool read as one: its output is any.
    expect(nodeOf(r, 'relevant').config.signature.returns).toBe('any');
    const v = validateFlow(doc, { registry, flowDir: path.join(FIXTURES, 'vector-reader') });
    expect(v.problems.filter((p) => p.severity !== 'warning')).toEqual([]);
  });
});
