/**
 * The folder of broken flows (test/fixtures/invalid-flows): one file per way a flow can be wrong,
 * each saying on its first line which error it must produce (`# expect: <code> <node-or-dash>`),
 * optionally followed by `# line: <text>` naming text the reported line must contain.
 * Each file is validated exactly as the CLI does: loaded from disk, sub-flows resolved in its folder.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../engine/errors.ts';
import { FlowLibrary, loadFlowFile } from '../engine/flow/load.ts';
import { parseFlowText } from '../engine/flow/yaml-source.ts';
import { NodeRegistry } from '../engine/registry.ts';
import { builtinNodes } from '../nodes/index.ts';
import { chainYaml, deepBlockYaml } from './helpers/big-flows.ts';
import { testNodes } from './helpers/test-nodes.ts';

const ROOT = fileURLToPath(new URL('./fixtures/invalid-flows/', import.meta.url));
const registry = new NodeRegistry(builtinNodes);

/** Problems that concern the file as a whole: they have no path to point into. */
const WHOLE_FILE = new Set(['yaml_syntax', 'empty_file', 'not_a_mapping', 'too_deep']);

interface Fixture {
  rel: string;
  file: string;
  lines: string[];
  code?: string;
  node?: string;
  lineHint?: string;
}

function listFlows(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const full = path.join(dir, f);
      if (statSync(full).isDirectory()) return listFlows(full);
      return f.endsWith('.flow.yaml') ? [full] : [];
    });
}

const fixtures: Fixture[] = listFlows(ROOT).map((file) => {
  const lines = readFileSync(file, 'utf8').split('\n');
  const m = /^# expect: ([a-z_]+) (\S+)\s*$/.exec(lines[0]);
  const hint = /^# line: (.+)$/.exec(lines[1] ?? '');
  return {
    rel: path.relative(ROOT, file),
    file,
    lines,
    code: m?.[1],
    node: m ? (m[2] === '-' ? undefined : m[2]) : undefined,
    lineHint: hint?.[1],
  };
});

async function validateFile(file: string) {
  const flow = await loadFlowFile(file);
  const lib = await FlowLibrary.fromDir(path.dirname(file), registry);
  return lib.validate(flow);
}

/** The node's block of lines (1-based, inclusive start, exclusive end) for path ['nodes', i, …]. */
function nodeBlock(lines: string[], index: number): [number, number] | undefined {
  const starts = lines.flatMap((l, i) => (/^\s*- name:/.test(l) ? [i + 1] : []));
  const start = starts[index];
  if (start === undefined) return undefined;
  let end = start + 1;
  while (end <= lines.length && !/^\s*- name:/.test(lines[end - 1]) && !/^\S/.test(lines[end - 1])) end++;
  return [start, end];
}

/** The words a correctly located line must show one of: the node's name or the last key of the path. */
function relevantWords(p: Problem): string[] {
  const keys = p.path.filter((s, i): s is string => typeof s === 'string' && !(s === 'nodes' && typeof p.path[i + 1] === 'number'));
  return [...(p.node ? [p.node] : []), ...(keys.length ? [keys[keys.length - 1]] : [])];
}

describe('the invalid-flows fixture folder', () => {
  it('holds at least 25 fixtures, every one with an `# expect:` first line', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(25);
    for (const f of fixtures) expect(f.code, `${f.rel} has no "# expect: <code> <node-or-dash>" first line`).toBeDefined();
  });

  it('covers every error code the validator produces with the built-in node types', () => {
    const covered = new Set(fixtures.map((f) => f.code));
    const codes = [
      'yaml_syntax', 'empty_file', 'not_a_mapping', 'unsupported_version', 'missing_field', 'unknown_field',
      'invalid_field', 'invalid_name', 'reserved_name', 'duplicate_node_name', 'unknown_node_type', 'invalid_config',
      'template_syntax', 'template_not_found', 'template_outside_flow', 'invalid_expression', 'invalid_url',
      'invalid_reference', 'unknown_node_reference', 'unknown_flow_input', 'unknown_output_field',
      'map_reference_outside_map', 'invalid_map', 'type_mismatch', 'cycle', 'output_not_reference',
      'invalid_default', 'unreachable_output', 'unknown_flow', 'flow_recursion', 'too_deep',
    ];
    expect(codes.filter((c) => !covered.has(c))).toEqual([]);
  });
});

describe.each(fixtures)('$rel', (f) => {
  it(`reports ${f.code} ${f.node ?? '(no node)'} with a path and a line that points at it`, async () => {
    const result = await validateFile(f.file);
    expect(result.ok).toBe(false);
    for (const p of result.problems) {
      expect(Array.isArray(p.path), `${p.code} has a path`).toBe(true);
      expect(p.message.length).toBeGreaterThan(0);
    }
    const summary = result.problems.map((p) => `${p.code} ${p.node ?? '-'} @${p.line}: ${p.message}`).join('\n');
    const hit = result.problems.find((p) => p.code === f.code && p.node === f.node && p.severity !== 'warning');
    expect(hit, `expected ${f.code} ${f.node ?? '-'} among:\n${summary}`).toBeDefined();
    const p = hit!;
    if (f.lineHint) expect(f.lines[p.line! - 1]).toContain(f.lineHint);
    if (WHOLE_FILE.has(p.code)) {
      expect(p.path).toEqual([]);
      if (p.line !== undefined) expect(p.line).toBeLessThanOrEqual(f.lines.length);
      return;
    }
    expect(p.path.length).toBeGreaterThan(0);
    expect(p.line, `${p.code} at ${p.path.join('.')} has a line`).toBeTypeOf('number');
    expect(p.col).toBeTypeOf('number');
    const text = f.lines[p.line! - 1];
    expect(text.trimStart().startsWith('#'), `line ${p.line} is a comment`).toBe(false);
    const words = relevantWords(p);
    expect(words.some((w) => text.includes(w)), `line ${p.line} "${text}" shows none of ${words.join(', ')}`).toBe(true);
    if (p.path[0] === 'nodes' && typeof p.path[1] === 'number') {
      const [start, end] = nodeBlock(f.lines, p.path[1])!;
      expect(p.line).toBeGreaterThanOrEqual(start);
      expect(p.line).toBeLessThan(end);
    }
  });

  it('reports no other error than the expected one (no follow-on errors)', async () => {
    const result = await validateFile(f.file);
    const errors = result.problems.filter((p) => p.severity !== 'warning').map((p) => `${p.code}: ${p.message}`);
    expect(errors.filter((e) => !e.startsWith(`${f.code}:`))).toEqual([]);
  });
});

describe('validation as a whole', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'weir-invalid-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const write = async (name: string, text: string) => {
    const file = path.join(dir, name);
    await writeFile(file, text);
    return file;
  };

  it('reports every independent problem of a file at once, each at its own line', async () => {
    const file = await write(
      'several.flow.yaml',
      `weir: 1
name: several
inputs:
  question: { type: string }
  top_k: { type: integer, default: many }
outputs:
  answer: \${answer.output}
  sources: \${search.output.hits}
nodes:
  - name: search
    type: http
    inputs: { q: \${inputs.query} }
    config: { url: "https://search.example.com/?q={{ q | urlencode }}" }
  - name: answer
    type: llm_agent
    inputs: { question: \${inputs.question}, context: \${serch.output.body} }
  - name: tidy
    type: transform
    inputs: { text: \${answer.output} }
    config: { expression: "$trim(text" }
  - name: tidy
    type: coalesce
`,
    );
    const result = await validateFile(file);
    expect(result.ok).toBe(false);
    const found = result.problems.map((p) => `${p.code} ${p.node ?? '-'} ${p.line}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'invalid_default - 5',
        'unknown_output_field - 8',
        'unknown_flow_input search 12',
        'unknown_node_type answer 15',
        'unknown_node_reference answer 16',
        'invalid_expression tidy 20',
        'duplicate_node_name tidy 21',
      ]),
    );
    const codes = new Set(result.problems.filter((p) => p.severity !== 'warning').map((p) => p.code));
    expect(codes.size).toBeGreaterThanOrEqual(4);
    const lines = result.problems.map((p) => p.line ?? 0);
    expect(lines.slice(0, 7)).toEqual([...lines.slice(0, 7)].sort((a, b) => a - b));
  });

  it('leaves ok: true when the only problems are warnings (a node that feeds no output)', async () => {
    const file = await write(
      'warn-only.flow.yaml',
      `weir: 1
name: warn-only
inputs:
  name: { type: string, default: world }
outputs:
  greeting: \${greet.output}
nodes:
  - name: greet
    type: prompt
    inputs: { name: \${inputs.name} }
    config: { template: "Hello, {{ name }}!" }
  - name: debug_dump
    type: transform
    inputs: { name: \${inputs.name} }
    config: { expression: "$string(name)" }
`,
    );
    const result = await validateFile(file);
    expect(result.ok).toBe(true);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ code: 'unused_node', severity: 'warning', node: 'debug_dump', line: 12 });
  });

  it('locates an unknown field at its own line, with the field in its path', async () => {
    // Today the path stops at the node (["nodes", 0]) or is [] at the top level, so the reported line is
    // the node's `- name:` line or the file's first key instead of the line with the unknown field.
    const file = await write(
      'unknown-keys.flow.yaml',
      `weir: 1
name: unknown-keys
outputs:
  greeting: \${greet.output}
nodes:
  - name: greet
    type: prompt
    config: { template: "Hello!" }
    source: { type: code, path: greet.jinja2 }
environment: { python_requirements_txt: requirements.txt }
`,
    );
    const result = await validateFile(file);
    const unknown = result.problems.filter((p) => p.code === 'unknown_field');
    expect(unknown.map((p) => [p.node, p.path.join('.'), p.line])).toEqual([
      ['greet', 'nodes.0.source', 9],
      [undefined, 'environment', 10],
    ]);
  });

  it('reports a flow mapping missing its `}` without a "missing quote" the author never wrote', () => {
    const text = `weir: 1
name: unclosed
nodes:
  - name: answer
    type: prompt
    inputs: { question: \${inputs.question}
    config: { template: "Q: {{ question }}" }
`;
    const { problems } = parseFlowText(text, 'unclosed.flow.yaml');
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.map((p) => p.message).filter((m) => /quote/i.test(m))).toEqual([]);
  });
});

/**
 * Flows too big to commit, written to a temp folder by a helper and validated as the CLI does. The
 * limits themselves (too_many_nodes, validation_failed) are checked in engine/flow/scale.test.ts and
 * unexpected.test.ts; here, that the file path (read, parse, place each problem) scales too.
 */
describe('generated flow files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'weir-generated-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const check = async (name: string, text: string) => {
    const file = path.join(dir, `${name}.flow.yaml`);
    await writeFile(file, text);
    const lib = new FlowLibrary(new NodeRegistry([...builtinNodes, ...testNodes]));
    return lib.validate(await loadFlowFile(file));
  };

  it('validates a 10 000-node chain', async () => {
    expect((await check('chain', chainYaml(10_000))).problems).toEqual([]);
  });

  it('names a cycle through 10 000 nodes at the line of the node it starts from', async () => {
    const text = chainYaml(10_000).replace('inputs: { value: ${inputs.x} }', 'inputs: { value: ${n9999.output} }');
    const result = await check('cycle', text);
    const cycle = result.problems.find((p) => p.code === 'cycle')!;
    expect(cycle).toMatchObject({ node: 'n0', line: 8 });
    expect(cycle.message).toMatch(/^cycle of 10000 nodes: n0 → n9999 → .* → n1 → n0$/);
    expect(text.split('\n')[cycle.line! - 1]).toBe('  - name: n0');
  });

  it('refuses a list nested 100 000 deep in block style as too deep', async () => {
    expect((await check('deep', deepBlockYaml(100_000))).problems).toEqual([expect.objectContaining({ code: 'too_deep', path: [] })]);
  });
});
