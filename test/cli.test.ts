/**
 * The real `weir` command, built (`dist/`) and spawned as a user runs it, against flows written to a
 * temp folder. Streaming is not covered here: no built-in node type streams yet, and `main()` builds
 * its own registry from the built-in nodes, so a test-only streaming node can't be plugged into it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, FLOWS, lines, weir } from './helpers/cli.ts';

/** A failure the user can read: exactly one line, and no stack trace. */
function expectOneLine(stderr: string, ...parts: string[]) {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(lines(stderr)).toHaveLength(1);
  for (const part of parts) expect(stderr).toContain(part);
}

let dir: string;
const flow = (name: string) => path.join(dir, name);

beforeAll(async () => {
  ensureBuilt();
  dir = await mkdtemp(path.join(os.tmpdir(), 'weir-cli-'));
  for (const [name, text] of Object.entries(FLOWS)) await writeFile(flow(name), text);
}, 180_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('weir run', () => {
  it('prints the outputs and exits 0', async () => {
    const r = await weir('run', flow('greet.flow.yaml'), '--input', 'name=Ada');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('text: Hello, Ada!\n');
    expect(r.stdout).toMatch(/^info: \{/m);
  });

  it('reads --input values by the type of the flow input: numbers, booleans and lists as JSON, strings as given', async () => {
    const r = await weir('run', flow('greet.flow.yaml'), '--json', '-i', 'name=42', '-i', 'times=3', '-i', 'loud=true', '-i', 'tags=["a","b"]');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.outputs).toEqual({ text: 'Hello, 42!', info: { name_type: 'string', times: 6, loud: true, tags: 2 } });
  });

  it('refuses a value that is not of the input type with exit 2 and a one-line reason', async () => {
    const r = await weir('run', flow('greet.flow.yaml'), '--input', 'times=three');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expectOneLine(r.stderr, 'times', 'three');
  });

  it('reads inputs from --inputs file.json, with --input taking precedence', async () => {
    const file = path.join(dir, 'inputs.json');
    await writeFile(file, JSON.stringify({ name: 'Bo', times: 2 }));
    const r = await weir('run', flow('greet.flow.yaml'), '--inputs', file, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).outputs).toMatchObject({ text: 'Hello, Bo!', info: { times: 4 } });
    const over = await weir('run', flow('greet.flow.yaml'), '--inputs', file, '--input', 'name=Cy', '--json');
    expect(JSON.parse(over.stdout).outputs).toMatchObject({ text: 'Hello, Cy!', info: { times: 4 } });
    const broken = path.join(dir, 'broken.json');
    await writeFile(broken, '{ "name": ');
    const bad = await weir('run', flow('greet.flow.yaml'), '--inputs', broken);
    expect(bad.code).toBe(2);
    expectOneLine(bad.stderr, 'broken.json');
  });

  it('prints parseable JSON with the run id and outputs under --json', async () => {
    const r = await weir('run', flow('greet.flow.yaml'), '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.run_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.status).toBe('succeeded');
    expect(out.outputs.text).toBe('Hello, world!');
    expect(out.duration_ms).toBeTypeOf('number');
  });

  it('prints a per-node table on stderr under --trace, with a skipped node and its reason', async () => {
    const r = await weir('run', flow('branch.flow.yaml'), '--trace');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('hi\n');
    const table = lines(r.stderr);
    expect(table[0]).toMatch(/^node\s+type\s+status\s+attempts\s+ms\s+note$/);
    const row = (node: string) => table.find((l) => l.startsWith(`${node} `))!.split(/\s{2,}/);
    expect(row('shout')).toEqual(['shout', 'transform', 'skipped', '0', '-', 'activate: ${inputs.loud} is false, not true']);
    const [, type, status, attempts, ms] = row('quiet');
    expect([type, status, attempts]).toEqual(['transform', 'succeeded', '1']);
    expect(Number(ms)).toBeGreaterThanOrEqual(0);
    expect(row('pick').slice(0, 4)).toEqual(['pick', 'coalesce', 'succeeded', '1']);
  });

  it('lets a coalesce fall back to a flow input when the branch it prefers was skipped', async () => {
    // Bug: the executor skips a node that accepts skipped inputs when every NODE it reads was skipped,
    // ignoring that it also reads a flow input, so `pick` is skipped and the output is null.
    const r = await weir('run', flow('fallback.flow.yaml'), '--json', '--trace');
    const out = JSON.parse(r.stdout);
    expect(out.trace.find((t: { node: string }) => t.node === 'pick').status).toBe('succeeded');
    expect(out.outputs).toEqual({ result: 'hi' });
  });

  it('exits 1 with a one-line reason when a node fails at run time (JSONata error)', async () => {
    const r = await weir('run', flow('parse.flow.yaml'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expectOneLine(r.stderr, 'run failed: transform_failed:', 'add_tax', 'twelve');
  });

  it('exits 1 with a one-line reason when the http node is refused a loopback address', async () => {
    const r = await weir('run', flow('local-call.flow.yaml'));
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, 'run failed: http_target_forbidden:', 'health', 'loopback');
  });

  it('exits 2 for an invalid flow, printing compiler-style file:line:col lines', async () => {
    const r = await weir('run', flow('bad.flow.yaml'), '--input', 'question=hi');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    const file = flow('bad.flow.yaml');
    const errs = lines(r.stderr).filter((l) => l.startsWith(`${file}:`));
    expect(errs.map((l) => l.replace(/: error ([a-z_]+):.*$/, ' $1').slice(file.length))).toEqual([':9:11 unknown_node_type', ':10:54 unknown_node_reference']);
    expect(lines(r.stderr).at(-1)).toMatch(/^error: flow "bad" is invalid: /);
  });

  it('runs a sub-flow by name from a sibling flow file', async () => {
    const r = await weir('run', flow('announce.flow.yaml'), '--input', 'who=Ada');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('WELCOME ADA!\n');
  });
});

describe('weir validate', () => {
  it('exits 0 and says ok for a valid flow', async () => {
    const r = await weir('validate', flow('greet.flow.yaml'));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${flow('greet.flow.yaml')}: ok\n`);
    expect(r.stderr).toBe('');
  });

  it('exits 2 and prints every problem of an invalid flow', async () => {
    const r = await weir('validate', flow('bad.flow.yaml'));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr)).toHaveLength(2);
    for (const l of lines(r.stderr)) expect(l).toMatch(/^\/.+\/bad\.flow\.yaml:\d+:\d+: error [a-z_]+: .+ \[node \w+\] \(at nodes\.\d+\.\S+\)$/);
  });

  it('checks several files at once, reporting each, and exits 2 if any has an error', async () => {
    const r = await weir('validate', flow('greet.flow.yaml'), flow('bad.flow.yaml'), flow('warn.flow.yaml'), flow('announce.flow.yaml'));
    expect(r.code).toBe(2);
    expect(lines(r.stdout)).toEqual([`${flow('greet.flow.yaml')}: ok`, `${flow('warn.flow.yaml')}: ok (1 warning)`, `${flow('announce.flow.yaml')}: ok`]);
    expect(r.stderr).toContain('bad.flow.yaml:9:11: error unknown_node_type');
    expect(r.stderr).toMatch(/warn\.flow\.yaml:9:\d+: warning unused_node: node "b" feeds no flow output/);
  });
});

describe('command-line mistakes', () => {
  it.each([
    [['frob'], 'unknown command "frob"'],
    [['run', 'no-such.flow.yaml'], 'no such file'],
    [['validate', 'no-such.flow.yaml'], 'no such file'],
    [['validate'], 'at least one flow file'],
    [['run', 'flows/hello.flow.yaml', '--frob'], '--frob'],
    [['run', 'flows/hello.flow.yaml', '--concurrency', '0'], '--concurrency'],
    [['run', 'flows/hello.flow.yaml', '--timeout', 'soon'], '--timeout'],
    [['serve', '--workers', 'many'], '--workers many'],
    [['serve', '--workers=-1'], '--workers -1'],
    [['worker', '--workers', '0'], 'would do nothing'],
    [['worker', '--workers', '2.5'], '--workers 2.5'],
  ])('weir %j exits 2 with one line and no stack trace', async (args, reason) => {
    const r = await weir(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expectOneLine(r.stderr, 'error: ', reason);
  });

  it('prints the help with exit 0 for `weir help`', async () => {
    const r = await weir('help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('usage:');
  });
});
