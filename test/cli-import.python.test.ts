/**
 * `weir import promptflow` on the five prompt flow development flows (../shared/promptflow-dev),
 * through the built command with the real python3 reading the tools' signatures: the exit code
 * each earns, the files written, and `weir validate` passing on every flow written.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT, weir } from './helpers/cli.ts';

const DEV = path.resolve(ROOT, '../shared/promptflow-dev');
const present = existsSync(path.join(DEV, 'basic', 'flow.dag.yaml'));
if (!present) console.warn(`skipped: the prompt flow development set is missing at ${DEV} (../shared/promptflow-dev)`);

let dir: string;
const out = (name: string) => path.join(dir, name);

beforeAll(async () => {
  ensureBuilt();
  dir = await mkdtemp(path.join(os.tmpdir(), 'weir-cli-import-dev-'));
}, 180_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Report {
  outcome: string;
  flows: string[];
  files: string[];
  items: { status: string; what: string; source?: { file: string; line?: number } }[];
}
const reportOf = (folder: string) => JSON.parse(readFileSync(path.join(out(folder), 'import-report.json'), 'utf8')) as Report;

const CASES: { flow: string; args: string[]; code: number; flows: string[] }[] = [
  { flow: 'basic', args: [], code: 1, flows: ['basic.flow.yaml'] },
  { flow: 'chat-basic', args: ['--deployment-map', 'gpt-35-turbo=chat'], code: 0, flows: ['chat-basic.flow.yaml'] },
  { flow: 'conditional-flow-for-switch', args: ['--deployment-map', '*=chat'], code: 0, flows: ['conditional-flow-for-switch.flow.yaml'] },
  { flow: 'eval-classification-accuracy', args: [], code: 0, flows: ['eval-classification-accuracy.flow.yaml'] },
  { flow: 'web-classification', args: ['--deployment-map', 'gpt-35-turbo=chat'], code: 1, flows: ['web-classification.flow.yaml', 'web-classification@variant_1.flow.yaml'] },
];

describe.skipIf(!present)(`weir import promptflow on the development set (${path.relative(ROOT, DEV)})`, () => {
  for (const c of CASES) {
    it(`${c.flow}: exit ${c.code}, and weir validate passes on what it wrote`, async () => {
      const r = await weir('import', 'promptflow', path.join(DEV, c.flow), '--out', out(c.flow), ...c.args);
      expect(r.stderr).toBe('');
      expect(r.code, r.stdout).toBe(c.code);
      const report = reportOf(c.flow);
      expect(report.flows).toEqual(c.flows);
      expect(report.outcome).toBe(c.code === 0 ? 'converted' : 'attention');
      // Every item that needs a person names the prompt flow file (and line) it came from.
      for (const i of report.items.filter((x) => x.status === 'attention' || x.status === 'not_converted')) expect(i.source?.file, i.what).toBeTruthy();
      for (const f of report.files) expect(existsSync(path.join(out(c.flow), f)), f).toBe(true);
      const v = await weir('validate', ...c.flows.map((f) => path.join(out(c.flow), f)));
      expect(v.stderr).toBe('');
      expect(v.code).toBe(0);
    });
  }

  it('basic: the attention items printed with file:line', async () => {
    const r = await weir('import', 'promptflow', path.join(DEV, 'basic'), '--out', out('basic-again'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('hello.py:2  node llm: hello.py imports openai, dotenv');
    expect(r.stdout).toContain('run.yml:6  run file run.yml: environment_variables');
  });

  it('web-classification as a zip imports the same flows, and prints how to compare the variants', async () => {
    const zip = new JSZip();
    const src = path.join(DEV, 'web-classification');
    for (const e of readdirSync(src, { recursive: true, withFileTypes: true })) {
      if (e.isFile()) zip.file(path.relative(path.dirname(src), path.join(e.parentPath, e.name)), readFileSync(path.join(e.parentPath, e.name)));
    }
    writeFileSync(out('web.zip'), await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' }));
    const r = await weir('import', 'promptflow', out('web.zip'), '--out', out('web-zip'), '--name', 'web', '--deployment-map', 'gpt-35-turbo=chat');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('variants: each is the main flow with one node swapped');
    expect(r.stdout).toMatch(/weir run \S*web@variant_1\.flow\.yaml --data data\.jsonl --output web@variant_1\.jsonl/);
    const main = readFileSync(path.join(out('web-zip'), 'web.flow.yaml'), 'utf8');
    const fromFolder = readFileSync(path.join(out('web-classification'), 'web-classification.flow.yaml'), 'utf8');
    expect(main.replace(/web-classification\/flow\.dag\.yaml/, 'flow.dag.yaml').replace(/name: web\n/, 'name: web-classification\n')).toBe(fromFolder);
  });
});
