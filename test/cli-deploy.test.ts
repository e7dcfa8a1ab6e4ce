/**
 * `weir publish`, `weir deploy`, `weir keys` and `weir <command> --help`, through the real built
 * command on a data folder that a real `weir serve` then answers from (and keeps answering from
 * while the commands change it).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, weir } from './helpers/cli.ts';
import { startServerProcess, type ServerProcess } from './helpers/server-process.ts';

let dir: string;
let data: string;
const at = (name: string) => path.join(dir, name);
const flow = (expression: string) => `weir: 1
name: shout
inputs:
  text: { type: string }
outputs:
  said: \${loud.output}
nodes:
  - name: loud
    type: transform
    inputs: { t: \${inputs.text} }
    config: { expression: '${expression}' }
`;

beforeAll(async () => {
  ensureBuilt();
  dir = await mkdtemp(path.join(os.tmpdir(), 'weir-cli-deploy-'));
  data = at('data');
  await writeFile(at('shout.flow.yaml'), flow('$uppercase(t)'));
  await writeFile(at('shout2.flow.yaml'), flow('$uppercase(t) & "!"'));
  await writeFile(at('broken.flow.yaml'), 'weir: 1\nname: broken\nnodes:\n  - name: a\n    type: no_such_type\n');
}, 180_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('--help on every command', () => {
  it.each(['run', 'validate', 'publish', 'deploy', 'keys', 'models', 'data', 'serve'])('weir %s --help prints that command\'s usage and exits 0', async (command) => {
    const r = await weir(command, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^usage:\\n  weir ${command} `));
    // Only that command's lines.
    const others = r.stdout.split('\n').filter((l) => l.startsWith('  weir ') && !l.startsWith(`  weir ${command} `));
    expect(others).toEqual([]);
  });

  it('weir run --help lists the batch options too; -h is the same', async () => {
    const r = await weir('run', '-h');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--data lines.jsonl');
    expect(r.stdout).toContain('exit codes');
  });

  it('a --help after -- is a value, not a request for help', async () => {
    const r = await weir('validate', '--', '--help');
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('usage:');
  });
});

describe('publish → deploy → keys, then a real server answers with the key', () => {
  let server: ServerProcess | undefined;
  afterAll(async () => {
    server?.child.kill();
    await server?.exited;
  });

  it('publishes a flow file as version 1, and the same content again as nothing new', async () => {
    const first = await weir('publish', at('shout.flow.yaml'), '--data-dir', data, '-m', 'first');
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('published shout version 1\n');
    expect(first.code).toBe(0);
    const again = await weir('publish', at('shout.flow.yaml'), '--data-dir', data, '--json');
    expect(JSON.parse(again.stdout)).toEqual({ flow: 'shout', version: 1, created: false });
  });

  it('refuses an invalid flow with its problems placed in the file, and publishes nothing', async () => {
    const r = await weir('publish', at('broken.flow.yaml'), '--data-dir', data);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.flow\.yaml:\d+.*no_such_type/);
    expect(r.stdout).toBe('');
    const unknown = await weir('publish', 'nothing-here', '--data-dir', data);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no such file, and no stored flow');
  });

  it('deploys the latest version, makes a key printed once, and the served endpoint takes it', async () => {
    const d = await weir('deploy', 'shout', '--flow', 'shout', '--data-dir', data);
    expect(d.code).toBe(0);
    expect(d.stdout).toContain('deployed shout version 1 as "shout"');
    expect(d.stdout).toContain('/deployments/shout/score');
    expect(d.stdout).toContain('weir keys create shout');
    const k = await weir('keys', 'create', 'shout', '--name', 'app', '--data-dir', data);
    expect(k.code).toBe(0);
    const key = k.stdout.trim();
    expect(key).toMatch(/^\S{20,}$/);
    expect(k.stderr).toContain('shown once');

    server = await startServerProcess(data, 'cli-deploy-admin');
    const call = () => fetch(`${server!.url}/deployments/shout/score`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hey' }) });
    const ok = await call();
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ said: 'HEY' });

    // A new version published and deployed by the CLI while the server runs: its next calls get it.
    expect((await weir('publish', at('shout2.flow.yaml'), '--data-dir', data)).stdout).toBe('published shout version 2\n');
    const moved = await weir('deploy', 'shout', '--flow', 'shout', '--data-dir', data);
    expect(moved.stdout).toContain('"shout" now serves shout version 2');
    await until(async () => ((await (await call()).json()) as { said: string }).said === 'HEY!');

    const list = await weir('keys', 'list', 'shout', '--data-dir', data, '--json');
    const keys = JSON.parse(list.stdout) as { id: string; prefix: string; name: string; active: boolean }[];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ name: 'app', active: true });
    expect(list.stdout).not.toContain(key);

    const revoked = await weir('keys', 'revoke', 'shout', keys[0].prefix, '--data-dir', data);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('revoked key "app"');
    await until(async () => (await call()).status === 401);
  }, 120_000);

  it('names what is wrong: an unknown flow, a version that is not there, a key prefix that matches none, bad numbers', async () => {
    const cases: [string[], RegExp][] = [
      [['deploy', 'other', '--flow', 'nope'], /flow "nope" not found/],
      [['deploy', 'other', '--flow', 'shout', '--version', '9'], /no version 9 \(published: 1, 2\)/],
      [['deploy', 'Bad_Name', '--flow', 'shout'], /lower-case letters/],
      [['deploy', 'other', '--flow', 'shout', '--model', 'weir-extractive'], /not both/],
      [['deploy', 'other', '--flow', 'shout', '--rpm', 'lots'], /--rpm lots: expected a whole number/],
      [['keys', 'revoke', 'shout', 'zzzz'], /no key with id or prefix "zzzz"/],
      [['keys', 'create', 'nobody'], /deployment "nobody" not found/],
      [['keys', 'create', 'shout', '--expires', 'soon'], /--expires soon/],
      [['keys', 'rotate', 'shout'], /unknown keys command "rotate"/],
    ];
    for (const [args, message] of cases) {
      const r = await weir(...args, '--data-dir', data);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  }, 60_000);

  it('deploys a model, loading it once to say whether it works', async () => {
    const r = await weir('deploy', 'chat', '--model', 'weir-extractive', '--data-dir', data);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('deployed model weir-extractive as "chat" (it loads)');
    expect(r.stdout).toContain('/v1 (model "chat")');
    const unknown = await weir('deploy', 'other', '--model', 'no-such-model', '--data-dir', data);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no-such-model/);
  }, 60_000);
});

async function until(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('the condition did not become true in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
