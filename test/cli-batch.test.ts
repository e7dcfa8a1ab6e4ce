/**
 * `weir run <flow> --data lines.jsonl`: batch and evaluation runs through the real, built command.
 */
import { exactFlow } from './helpers/batch-flows.ts';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, lines, weir } from './helpers/cli.ts';

let dir: string;
const at = (name: string) => path.join(dir, name);
const jsonl = (rows: unknown[]) => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
const readLines = async (file: string) => lines(await readFile(file, 'utf8')).map((l) => JSON.parse(l));

const ANSWER = `weir: 1
name: answer
inputs:
  question: { type: string }
outputs:
  answer: \${shout.output}
nodes:
  - name: shout
    type: transform
    inputs: { q: \${inputs.question} }
    config: { expression: '$uppercase(q)' }
`;

const EXACT = exactFlow(true);

const DATA = [{ q: 'ab', truth: 'AB' }, { q: 'cd', truth: 'nope' }, '{broken', { q: 'ef', truth: 'EF' }];

beforeAll(async () => {
  ensureBuilt();
  dir = await mkdtemp(path.join(os.tmpdir(), 'weir-cli-batch-'));
  await writeFile(at('answer.flow.yaml'), ANSWER);
  await writeFile(at('exact.flow.yaml'), EXACT);
  await writeFile(at('data.jsonl'), jsonl(DATA));
}, 180_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('weir run --data', () => {
  it('runs every line into --output in line order, reports a bad line and exits 1', async () => {
    const r = await weir('run', at('answer.flow.yaml'), '--data', at('data.jsonl'), '--column-mapping', 'question=${data.q}', '--output', at('out.jsonl'), '--concurrency', '3');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('batch completed: 4 lines, 3 succeeded, 1 failed');
    expect(r.stderr).toContain('line 2 failed: invalid_data_line: line 2: the line is not valid JSON');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    const out = await readLines(at('out.jsonl'));
    expect(out.map((l) => [l.line_number, l.status, l.outputs.answer ?? null])).toEqual([[0, 'succeeded', 'AB'], [1, 'succeeded', 'CD'], [2, 'failed', null], [3, 'succeeded', 'EF']]);
    expect(out[0].inputs).toEqual({ question: 'ab' });
    expect(out[2].error.code).toBe('invalid_data_line');
  });

  it('evaluates that output with --run: ${run.outputs.x} beside ${data.x}, aggregation as metrics, --json summary', async () => {
    const r = await weir('run', at('exact.flow.yaml'), '--data', at('data.jsonl'), '--run', at('out.jsonl'), '--column-mapping', 'answer=${run.outputs.answer}', '--column-mapping', 'truth=${data.truth}', '--json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.status).toBe('completed');
    expect(doc.summary).toMatchObject({ total: 4, succeeded: 3, failed: 1 });
    expect(doc.metrics).toEqual({ accuracy: 2 / 3, scored: 3 });
    expect(doc.lines.map((l: { outputs: { correct?: number } }) => l.outputs.correct ?? null)).toEqual([1, 0, null, 1]);
  });

  it('resumes: rerun with the same --output runs only the lines that did not succeed', async () => {
    await writeFile(at('fixed.jsonl'), jsonl([{ q: 'ab' }, { q: 'cd' }, { q: 'gh' }, { q: 'ef' }]));
    const before = await readLines(at('out.jsonl'));
    const r = await weir('run', at('answer.flow.yaml'), '--data', at('fixed.jsonl'), '--column-mapping', 'question=${data.q}', '--output', at('out.jsonl'));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('resuming: 3 of 4 lines already succeeded');
    expect(r.stderr).toContain('progress: 4/4 lines');
    const out = await readLines(at('out.jsonl'));
    expect(out.map((l) => l.outputs.answer)).toEqual(['AB', 'CD', 'GH', 'EF']);
    // The lines that had succeeded are kept as they were, not run again.
    expect(out[0].duration_ms).toBe(before[0].duration_ms);
    expect(out[3].duration_ms).toBe(before[3].duration_ms);
  });

  it('without a mapping, columns map to inputs by name; without --output the lines go to stdout as JSONL', async () => {
    await writeFile(at('named.jsonl'), jsonl([{ question: 'x' }, { question: 'y' }]));
    const r = await weir('run', at('answer.flow.yaml'), '--data', at('named.jsonl'));
    expect(r.code).toBe(0);
    expect(lines(r.stdout).map((l) => JSON.parse(l).outputs.answer)).toEqual(['X', 'Y']);
    expect(r.stderr).toContain('batch completed: 2 lines, 2 succeeded, 0 failed');
  });

  it('exits 2 with one line when the batch cannot start: unknown input, missing data file, ${run.…} without --run', async () => {
    const bad = await weir('run', at('answer.flow.yaml'), '--data', at('data.jsonl'), '--column-mapping', 'nope=${data.q}');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error: column_mapping "nope": the flow has no input "nope" (inputs: question)\n');
    const missing = await weir('run', at('answer.flow.yaml'), '--data', at('missing.jsonl'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
    const noRun = await weir('run', at('exact.flow.yaml'), '--data', at('data.jsonl'), '--column-mapping', 'answer=${run.outputs.answer}');
    expect(noRun.code).toBe(2);
    expect(noRun.stderr).toContain('no earlier run was given');
  });

  it('a single run of a flow with aggregation nodes runs them over that one line and shows its metrics', async () => {
    const r = await weir('run', at('exact.flow.yaml'), '--input', 'answer=a', '--input', 'truth=a', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).metrics).toEqual({ accuracy: 1, scored: 1 });
  });
});

describe('weir run --run <batch run id>', () => {
  it('evaluates a batch run the server recorded, read from its data folder', { timeout: 120_000 }, async () => {
    const { startServer } = await import('../engine/server.ts');
    const { NodeRegistry } = await import('../engine/registry.ts');
    const { builtinNodes } = await import('../nodes/index.ts');
    const home = at('home');
    const server = await startServer({ registry: new NodeRegistry(builtinNodes), port: 0, dataDir: home, adminToken: 'cli-batch-admin', examplesDir: null });
    let id: string;
    try {
      const call = async (method: string, url: string, body?: unknown) => {
        const res = await fetch(server.url + url, { method, headers: { authorization: 'Bearer cli-batch-admin', 'content-type': typeof body === 'string' ? 'application/yaml' : 'application/json' }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
        return { status: res.status, json: (await res.json().catch(() => undefined)) as any };
      };
      expect((await call('PUT', '/api/flows/answer', ANSWER)).status).toBeLessThan(300);
      const post = await call('POST', '/api/batch-runs', { flow: 'answer', data: [{ q: 'ab' }, { q: 'cd' }, { q: 'ef' }], column_mapping: { question: '${data.q}' } });
      expect(post.status).toBe(202);
      id = post.json.id;
      for (let i = 0; i < 200 && ['queued', 'running'].includes((await call('GET', `/api/batch-runs/${id}`)).json.status); i++) await new Promise((ok) => setTimeout(ok, 50));
      expect((await call('GET', `/api/batch-runs/${id}`)).json.status).toBe('completed');
    } finally {
      await server.close();
    }
    await writeFile(at('truth.jsonl'), jsonl([{ truth: 'AB' }, { truth: 'XX' }, { truth: 'EF' }]));
    const r = await weir('run', at('exact.flow.yaml'), '--data', at('truth.jsonl'), '--run', id!, '--data-dir', home, '--column-mapping', 'answer=${run.outputs.answer}', '--column-mapping', 'truth=${data.truth}', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).metrics).toEqual({ accuracy: 2 / 3, scored: 3 });
    // An id the folder does not hold, and a folder that is not a Weir store: said in one line, exit 2.
    const missing = await weir('run', at('exact.flow.yaml'), '--data', at('truth.jsonl'), '--run', 'batch_nope', '--data-dir', home, '--column-mapping', 'answer=${run.outputs.answer}');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--run batch_nope: no batch run has this id');
    const nowhere = await weir('run', at('exact.flow.yaml'), '--data', at('truth.jsonl'), '--run', 'batch_nope', '--data-dir', at('empty'), '--column-mapping', 'answer=${run.outputs.answer}');
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain('no Weir store at');
  });
});
