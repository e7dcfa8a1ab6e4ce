/**
 * `weir import promptflow` through the built command, on flows made here (no Python started): exit
 * codes, zips (wrapped folders, hostile names, entries that inflate past the cap), flex flows,
 * connections created in a workspace with their `${env:VAR}` secrets, and no secret in any file.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { openStore } from '../engine/store/open.ts';
import { ensureBuilt, weirWith, type Exit } from './helpers/cli.ts';

let dir: string;
const at = (...p: string[]) => path.join(dir, ...p);

const weirIn = (env: Record<string, string | undefined>, ...args: string[]): Promise<Exit> => weirWith({ cwd: dir, env }, ...args);
const weir = (...args: string[]) => weirIn({}, ...args);

function writeTree(root: string, files: Record<string, string>): void {
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    writeFileSync(path.join(root, p), content);
  }
}

function allFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

async function zipOf(files: Record<string, string | Uint8Array>): Promise<Uint8Array> {
  const zip = new JSZip();
  for (const [p, c] of Object.entries(files)) zip.file(p, c, { createFolders: false });
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

const CHAT_DAG = `$schema: https://azuremlschemas.azureedge.net/promptflow/latest/Flow.schema.json
inputs:
  chat_history: { type: list, default: [] }
  question: { type: string, is_chat_input: true }
outputs:
  answer:
    type: string
    reference: \${chat.output}
    is_chat_output: true
nodes:
- name: chat
  type: llm
  source: { type: code, path: chat.jinja2 }
  api: chat
  connection: aoai
  inputs:
    deployment_name: gpt-4
    max_tokens: "64"
    question: \${inputs.question}
    chat_history: \${inputs.chat_history}
`;
const CHAT_TEMPLATE = '# system:\nBe brief.\n{% for item in chat_history %}\n# user:\n{{item.inputs.question}}\n# assistant:\n{{item.outputs.answer}}\n{% endfor %}\n# user:\n{{question}}\n';
const SECRET = 'sk-import-test-4f1d9c0b7e';

beforeAll(async () => {
  ensureBuilt();
  dir = await mkdtemp(path.join(os.tmpdir(), 'weir-cli-import-'));
  writeTree(at('chat'), { 'flow.dag.yaml': CHAT_DAG, 'chat.jinja2': CHAT_TEMPLATE });
}, 180_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('weir import promptflow', () => {
  it('converts a chat flow: exit 0 with the model mapped, the flow validates, the report is written', async () => {
    const r = await weir('import', 'promptflow', 'chat', '--out', 'chat-out', '--deployment-map', 'gpt-4=chat');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('imported chat → chat-out/chat.flow.yaml');
    expect(r.stdout).toMatch(/\d+ converted, \d+ changed, 0 need attention, 0 not converted/);
    const flow = parse(readFileSync(at('chat-out', 'chat.flow.yaml'), 'utf8')) as { name: string; nodes: { config: Record<string, unknown> }[] };
    expect(flow.name).toBe('chat');
    expect(flow.nodes[0].config).toMatchObject({ deployment: 'chat', max_tokens: 64, template_file: 'chat.jinja2' });
    expect(readFileSync(at('chat-out', 'chat.jinja2'), 'utf8')).toBe(CHAT_TEMPLATE);
    const report = JSON.parse(readFileSync(at('chat-out', 'import-report.json'), 'utf8')) as { outcome: string; items: { status: string; what: string }[] };
    expect(report.outcome).toBe('converted');
    expect(report.items.some((i) => i.what === 'node chat: max_tokens "64" → 64' && i.status === 'changed')).toBe(true);
    const v = await weir('validate', 'chat-out/chat.flow.yaml');
    expect(v.code).toBe(0);
  });

  it('exits 1 with the attention items printed (file:line, why, what to do) when the model is not mapped', async () => {
    const r = await weir('import', 'promptflow', 'chat', '--out', 'chat-attention');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('needs attention:');
    expect(r.stdout).toContain('flow.dag.yaml:15  node chat: calls model gpt-4 on connection aoai');
    expect(r.stdout).toMatch(/do: {2}create connection aoai in Weir/);
  });

  it('--inline puts the template into the flow file, so weir publish can store it', async () => {
    const r = await weir('import', 'promptflow', 'chat', '--out', 'chat-inline', '--inline', '--deployment-map', 'gpt-4=chat');
    expect(r.code).toBe(0);
    expect(readdirSync(at('chat-inline')).sort()).toEqual(['chat.flow.yaml', 'import-report.json']);
    const flow = parse(readFileSync(at('chat-inline', 'chat.flow.yaml'), 'utf8')) as { nodes: { config: Record<string, unknown> }[] };
    expect(flow.nodes[0].config.template).toBe(CHAT_TEMPLATE);
    const p = await weirIn({ WEIR_MASTER_KEY: undefined }, 'publish', 'chat-inline/chat.flow.yaml', '--data-dir', 'inline-data');
    expect(p.code).toBe(0);
    expect(p.stderr).not.toContain(' error ');
    expect(p.stdout).toContain('published chat version 1');
  });

  it('refuses to overwrite an earlier import without --force, and overwrites it with', async () => {
    const again = await weir('import', 'promptflow', 'chat', '--out', 'chat-out', '--deployment-map', 'gpt-4=chat');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('exists already; give --force');
    const forced = await weir('import', 'promptflow', 'chat', '--out', 'chat-out', '--deployment-map', 'gpt-4=chat', '--force');
    expect(forced.code).toBe(0);
  });

  it('exits 2 with a clear message for flex flows, missing folders, non-zips and bad arguments', async () => {
    writeTree(at('flex'), { 'flow.flex.yaml': 'entry: app:chat\n', 'app.py': 'def chat(q): return q\n' });
    const flex = await weir('import', 'promptflow', 'flex');
    expect(flex.code).toBe(2);
    expect(flex.stderr).toContain('flex flow');
    expect(flex.stderr).toContain('Python code with an entry function');
    expect(existsSync(at('flex', 'flex.flow.yaml'))).toBe(false);
    const missing = await weir('import', 'promptflow', 'no-such-folder');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no-such-folder: no such folder or zip file');
    writeFileSync(at('notes.txt'), 'hello');
    const notZip = await weir('import', 'promptflow', 'notes.txt');
    expect(notZip.code).toBe(2);
    expect(notZip.stderr).toContain('not a folder or a zip file');
    const usage = await weir('import', 'langflow', 'chat');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: weir import promptflow');
    const badMap = await weir('import', 'promptflow', 'chat', '--deployment-map', 'gpt-4');
    expect(badMap.code).toBe(2);
    expect(badMap.stderr).toContain('--deployment-map gpt-4: expected');
    writeTree(at('broken'), { 'flow.dag.yaml': 'nodes:\n  - name: a\n   type: x\n' });
    const broken = await weir('import', 'promptflow', 'broken');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/flow\.dag\.yaml:\d+ {2}flow\.dag\.yaml does not parse/);
    expect(broken.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const help = await weir('import', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('weir import promptflow <folder | zip | folder of flows>');
  }, 60_000); // eight CLI processes, one after another

  it('imports a zip of a wrapped folder; hostile names and entries inflating past the cap are left out, by name', async () => {
    const zip = await zipOf({
      'chat/flow.dag.yaml': CHAT_DAG,
      'chat/chat.jinja2': CHAT_TEMPLATE,
      'chat/../../escape.txt': 'climbed',
      'chat/big.bin': new Uint8Array(8 * 1024 * 1024),
    });
    writeFileSync(at('chat.zip'), zip);
    expect(statSync(at('chat.zip')).size).toBeLessThan(100_000);
    const r = await weir('import', 'promptflow', 'chat.zip', '--out', 'zip-out', '--deployment-map', 'gpt-4=chat');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('file chat/big.bin left out');
    expect(r.stdout).toContain('larger than 4 MiB once inflated');
    expect(r.stdout).toContain('file "chat/../../escape.txt" left out');
    expect(existsSync(at('escape.txt'))).toBe(false);
    expect(existsSync(path.join(dir, '..', 'escape.txt'))).toBe(false);
    expect(readdirSync(at('zip-out')).sort()).toEqual(['chat.flow.yaml', 'chat.jinja2', 'import-report.json']);
  });

  it('does not follow symbolic links out of the folder', async () => {
    writeTree(at('linked'), { 'flow.dag.yaml': 'nodes:\n- name: a\n  type: prompt\n  source: { type: code, path: a.jinja2 }\n' });
    writeFileSync(at('outside-secret.txt'), 'not for the flow');
    symlinkSync(at('outside-secret.txt'), at('linked', 'a.jinja2'));
    const r = await weir('import', 'promptflow', 'linked', '--out', 'linked-out');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('file a.jinja2 left out');
    expect(r.stdout).toContain('symbolic link');
    expect(allFiles(at('linked-out')).some((f) => readFileSync(f, 'utf8').includes('not for the flow'))).toBe(false);
  });

  it('creates connections in the --data-dir workspace with ${env:VAR} secrets, and writes the secret into no file', async () => {
    writeTree(at('chat-conn'), {
      'flow.dag.yaml': CHAT_DAG, 'chat.jinja2': CHAT_TEMPLATE,
      'azure_openai.yaml': '$schema: https://azuremlschemas.azureedge.net/promptflow/latest/AzureOpenAIConnection.schema.json\nname: aoai\ntype: azure_open_ai\napi_key: "${env:WEIR_IMPORT_TEST_KEY}"\napi_base: https://example.openai.azure.com\napi_version: 2024-02-01\n',
    });
    writeFileSync(at('custom.yaml'), 'name: tools\ntype: custom\nconfigs:\n  endpoint: https://api.example.com\nsecrets:\n  token: ${env:WEIR_IMPORT_TEST_KEY}\n  other: ${env:WEIR_IMPORT_TEST_UNSET}\n');
    const r = await weirIn({ WEIR_IMPORT_TEST_KEY: SECRET, WEIR_IMPORT_TEST_UNSET: undefined, WEIR_MASTER_KEY: undefined }, 'import', 'promptflow', 'chat-conn', '--out', 'conn-out', '--connection', 'custom.yaml', '--data-dir', 'data', '--deployment-map', 'gpt-4=chat');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('connection tools (custom → custom)');
    expect(r.stdout).toContain('missing: WEIR_IMPORT_TEST_UNSET');
    const store = await openStore({ dataDir: at('data') });
    try {
      expect(await store.connections.resolve('aoai')).toMatchObject({ type: 'azure_openai', settings: { base_url: 'https://example.openai.azure.com', api_version: '2024-02-01' }, secrets: { api_key: SECRET } });
      expect((await store.connections.resolve('tools'))?.secrets).toEqual({ token: SECRET });
    } finally {
      await store.close();
    }
    const report = JSON.parse(readFileSync(at('conn-out', 'import-report.json'), 'utf8')) as { connections: unknown[] };
    expect(report.connections).toEqual([
      { name: 'aoai', type: 'azure_openai', created: true, missing: [] },
      { name: 'tools', type: 'custom', created: true, missing: ['WEIR_IMPORT_TEST_UNSET'] },
    ]);
    for (const f of [...allFiles(at('conn-out')), ...allFiles(at('data'))]) expect(readFileSync(f).includes(SECRET), f).toBe(false);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    // The connection file itself is not copied beside the flow.
    expect(existsSync(at('conn-out', 'azure_openai.yaml'))).toBe(false);

    const again = await weirIn({ WEIR_IMPORT_TEST_KEY: 'sk-other' }, 'import', 'promptflow', 'chat-conn', '--out', 'conn-out', '--force', '--data-dir', 'data');
    expect(again.stdout).toContain('aoai (azure_openai): not created');
    expect(readFileSync(at('conn-out', 'import-report.json'), 'utf8')).toContain('connection aoai exists already: left as it is');
  });

  it('without --data-dir, reports the connections it did not create', async () => {
    const r = await weirIn({ WEIR_IMPORT_TEST_KEY: SECRET }, 'import', 'promptflow', 'chat-conn', '--out', 'conn-nodata', '--deployment-map', 'gpt-4=chat');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('connection aoai not created');
    expect(r.stdout).toContain('--data-dir');
  });

  it('copies additional_includes from outside the folder in under their own name, as prompt flow does', async () => {
    writeTree(at('repo'), {
      'shared/greet.jinja2': 'Hello {{name}}!',
      'shared/parts/a.txt': 'part a',
      'flows/hello/flow.dag.yaml': 'inputs:\n  name: { type: string, default: you }\noutputs:\n  text: { reference: "${greet.output}" }\nnodes:\n- name: greet\n  type: prompt\n  source: { type: code, path: greet.jinja2 }\n  inputs: { name: "${inputs.name}" }\nadditional_includes:\n- ../../shared/greet.jinja2\n- ../../shared/parts\n- ../../shared/missing.txt\n',
    });
    const r = await weir('import', 'promptflow', 'repo/flows/hello', '--out', 'hello-out');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('additional include ../../shared/missing.txt not found');
    expect(readFileSync(at('hello-out', 'greet.jinja2'), 'utf8')).toBe('Hello {{name}}!');
    expect(readFileSync(at('hello-out', 'parts', 'a.txt'), 'utf8')).toBe('part a');
    const run = await weir('run', 'hello-out/hello.flow.yaml', '--input', 'name=Ada');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Hello Ada!');
  });

  it('without python3, writes the python node without its signature and says so', async () => {
    writeTree(at('tool'), {
      'flow.dag.yaml': 'inputs:\n  n: { type: int, default: 2 }\noutputs:\n  out: { reference: "${double.output}" }\nnodes:\n- name: double\n  type: python\n  source: { type: code, path: double.py }\n  inputs: { n: "${inputs.n}" }\n',
      'double.py': 'from promptflow.core import tool\n\n@tool\ndef double(n: int) -> int:\n    return n * 2\n',
    });
    const r = await weirIn({ WEIR_PYTHON: at('no-python-here', 'python3') }, 'import', 'promptflow', 'tool', '--out', 'tool-out');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('node double: double.py written without its signature (no python3 at import time)');
    expect(r.stdout).toContain('apt-get install python3');
    const flow = parse(readFileSync(at('tool-out', 'tool.flow.yaml'), 'utf8')) as { nodes: { config: Record<string, unknown> }[] };
    expect(flow.nodes[0].config).toEqual({ function: 'double', code_file: 'double.py' });
  });
});
