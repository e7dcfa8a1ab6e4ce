/**
 * `weir import promptflow <folder of flows>`: a team's repository of prompt flows imported in one
 * command, each flow into `<out>/<its path>`, one that cannot be imported named without stopping the
 * others, the exit code the worst of theirs. Flows made here; no Python started (no python node).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, weirWith } from './helpers/cli.ts';

let dir: string;
const at = (...p: string[]) => path.join(dir, ...p);
const weir = (...args: string[]) => weirWith({ cwd: dir }, ...args);

function writeTree(root: string, files: Record<string, string>): void {
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    writeFileSync(path.join(root, p), content);
  }
}

const PROMPT_DAG = `inputs:
  text: { type: string, default: world }
outputs:
  out: { type: string, reference: \${greet.output} }
nodes:
- name: greet
  type: prompt
  source: { type: code, path: greet.jinja2 }
  inputs: { text: \${inputs.text} }
`;
const LLM_DAG = `inputs:
  question: { type: string }
outputs:
  answer: { type: string, reference: \${ask.output} }
nodes:
- name: ask
  type: llm
  source: { type: code, path: ask.jinja2 }
  api: chat
  inputs: { deployment_name: gpt-4, max_tokens: "32", question: \${inputs.question} }
`;

beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(path.join(os.tmpdir(), 'weir-import-many-'));
  writeTree(at('repo'), {
    'greeting/flow.dag.yaml': PROMPT_DAG,
    'greeting/greet.jinja2': 'Hello {{ text }}!',
    'team/qa/flow.dag.yaml': LLM_DAG,
    'team/qa/ask.jinja2': '# user:\n{{ question }}',
    'team/broken/flow.dag.yaml': 'nodes: [oops\n',
    'node_modules/pkg/flow.dag.yaml': PROMPT_DAG,
    '.venv/x/flow.dag.yaml': PROMPT_DAG,
  });
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('weir import promptflow on a folder of flows', () => {
  it('imports each flow under the out folder, names the one that fails, and exits with the worst code', async () => {
    const r = await weir('import', 'promptflow', 'repo', '--out', 'out', '--deployment-map', 'gpt-4=chat');
    expect(r.code, r.stderr).toBe(2);
    expect(existsSync(at('out/greeting/greeting.flow.yaml'))).toBe(true);
    expect(existsSync(at('out/team/qa/qa.flow.yaml'))).toBe(true);
    expect(existsSync(at('out/team/broken'))).toBe(false);
    expect(r.stdout).toContain('3 flows from repo');
    expect(r.stdout).toMatch(/converted {2}greeting/);
    expect(r.stdout).toMatch(/could not import {2}team\/broken/);
    expect(r.stdout).toContain('2 converted, 0 need attention, 1 could not be imported');
    // node_modules and hidden folders are not a team's flows.
    expect(existsSync(at('out/node_modules'))).toBe(false);
    expect(existsSync(at('out/.venv'))).toBe(false);
    const valid = await weir('validate', 'out/greeting/greeting.flow.yaml', 'out/team/qa/qa.flow.yaml');
    expect(valid.code, valid.stdout + valid.stderr).toBe(0);
  }, 60_000);

  it('exits 0 when every flow converts cleanly, and refuses --name for several flows', async () => {
    writeTree(at('clean'), { 'a/flow.dag.yaml': PROMPT_DAG, 'a/greet.jinja2': 'Hi {{ text }}', 'b/flow.dag.yaml': PROMPT_DAG, 'b/greet.jinja2': 'Yo {{ text }}' });
    const r = await weir('import', 'promptflow', 'clean', '--out', 'clean-out');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(existsSync(at('clean-out/a/a.flow.yaml')) && existsSync(at('clean-out/b/b.flow.yaml'))).toBe(true);
    const named = await weir('import', 'promptflow', 'clean', '--name', 'x');
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('holds 2 flows; each is named after its folder');
  }, 60_000);
});
