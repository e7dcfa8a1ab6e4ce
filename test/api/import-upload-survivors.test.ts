/**
 * POST /api/import/promptflow as a user meets it: which files of an upload are left out (and listed),
 * which are read as text, which flow file the upload is found by, and how each path refusal reads,
 * word for word. Written against the mutants of engine/api/import-upload.ts that the hostile-upload
 * tests let live (test/mutation/import-upload.md). Caps at their exact edges are in
 * engine/api/import-upload-survivors.test.ts, with small limits.
 */
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, makeApi, readAnswer, type Api } from '../helpers/api.ts';
import { zipOf } from '../helpers/promptflow-dev.ts';

const DAG = 'inputs:\n  q: { type: string }\noutputs:\n  a: { type: string, reference: ${inputs.q} }\nnodes: []\n';
const LATIN1 = new Uint8Array([0x23, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x0a]); // "# café" in Latin-1: not UTF-8

type Answer = Awaited<ReturnType<typeof readAnswer>>;

describe('prompt flow import: what an upload keeps, reads and refuses', () => {
  let api: Api;
  beforeAll(() => {
    api = makeApi();
  });
  afterAll(() => api.close());

  const post = async (body: RequestInit['body'], type: string | undefined, query = '') => {
    const headers: Record<string, string> = { authorization: `Bearer ${ADMIN}` };
    if (type) headers['content-type'] = type;
    return readAnswer(await api.app.request(`/api/import/promptflow${query}`, { method: 'POST', headers, body, duplex: 'half' } as RequestInit));
  };
  /** A dry run: the whole check and conversion, nothing stored (so every test can reuse names). */
  const dry = (bytes: Uint8Array) => post(bytes, 'application/zip', '?dry_run=true');
  const zipWith = (entries: Record<string, Uint8Array | string>) => zipOf(new Map(Object.entries(entries)));
  const form = (entries: Record<string, Uint8Array | string>) => {
    const f = new FormData();
    for (const [name, content] of Object.entries(entries)) f.append('files', new Blob([content]), name);
    return f;
  };
  const ok = (r: Answer) => {
    expect(r.status, r.text).toBe(200);
    expect(r.json.outcome).not.toBe('failed');
  };
  const refused = (r: Answer, status: number, code: string, param: string | null, message: string) => {
    expect(r.status, r.text).toBe(status);
    expect(r.json.error).toMatchObject({ code, param, message });
  };

  it('leaves caches, environments, version control and OS litter out at any depth, and lists each', async () => {
    const left = [
      'flow/__MACOSX/flow/._tool.py',
      'flow/__pycache__/tool.cpython-311.pyc',
      'flow/node_modules/x/index.js',
      'flow/.venv/bin/python',
      'flow/venv/lib/site.py',
      'flow/.git/HEAD',
      'flow/.promptflow/flow.tools.json',
      'flow/.runs/run-1/output.jsonl',
      'flow/.mypy_cache/3.11/x.json',
      'flow/.pytest_cache/v/cache/lastfailed',
      'flow/.idea/workspace.xml',
      'flow/.vscode/settings.json',
      // Below a folder that is kept, and a litter file beside the flow's own.
      'flow/tools/__pycache__/a.pyc',
      'flow/.DS_Store',
      'flow/data/Thumbs.db',
      'flow/.env',
    ];
    const entries: Record<string, string> = { 'flow/flow.dag.yaml': DAG };
    for (const p of left) entries[p] = 'x';
    const r = await dry(await zipWith(entries));
    ok(r);
    expect(r.json.ignored).toEqual(left);
    expect(r.json.flows[0].name).toBe('flow');
    // The same from a picked folder (multipart): left out, listed, not counted as the flow's.
    const m = await post(form(entries), undefined, '?dry_run=true');
    ok(m);
    expect(m.json.ignored).toEqual(left);
  });

  it('keeps files and folders that only look like ones left out', async () => {
    const kept = {
      'flow/flow.dag.yaml': DAG,
      'flow/venv2/a.txt': 'x',
      'flow/my.venv/a.txt': 'x',
      'flow/old_node_modules/a.txt': 'x',
      'flow/git/a.txt': 'x',
      'flow/notes.DS_Store.txt': 'x',
      'flow/.env.example': 'KEY=',
      'flow/my.env': 'x',
      'flow/Thumbs.dbx': 'x',
      // Only folders are left out by those names: a script named venv is the flow's.
      'flow/scripts/venv': '#!/bin/sh\npython3 -m venv .venv\n',
    };
    const r = await dry(await zipWith(kept));
    ok(r);
    expect(r.json.ignored).toEqual([]);
  });

  it('reads every text kind as strict UTF-8 (refusing Latin-1 by name), whatever the case of its extension, and hands anything else over as bytes', async () => {
    const text = ['yaml', 'yml', 'py', 'jinja2', 'jinja', 'j2', 'txt', 'md', 'json', 'jsonl', 'csv', 'toml', 'cfg', 'ini', 'prompty', 'PY', 'Yaml'];
    for (const ext of text) {
      const r = await dry(await zipWith({ 'flow/flow.dag.yaml': DAG, [`flow/data/f.${ext}`]: LATIN1 }));
      refused(r, 400, 'import_not_utf8', `flow/data/f.${ext}`, `file "flow/data/f.${ext}" is not UTF-8 text: save it as UTF-8 and import again`);
    }
    // Not text: the same bytes pass.
    for (const name of ['f.pyc', 'f.yaml.bak', 'f.png', 'yaml', 'f.jsonx', 'f_txt']) ok(await dry(await zipWith({ 'flow/flow.dag.yaml': DAG, [`flow/data/${name}`]: LATIN1 })));
  });

  it('finds the flow by flow.dag.yaml or flow.dag.yml, and by nothing else of a similar name', async () => {
    const yml = await dry(await zipWith({ 'chat/flow.dag.yml': DAG }));
    ok(yml);
    expect(yml.json.flows[0].name).toBe('chat');
    for (const name of ['myflow.dag.yaml', 'flow.dag.yaml.orig', 'flow.dagXyaml', 'flowXdag.yaml', 'flow.dag.yamll', 'flow.dag.ymal']) {
      refused(await dry(await zipWith({ [`chat/${name}`]: DAG })), 400, 'import_no_flow', 'files', 'the import holds no flow.dag.yaml among its 1 file: pick the prompt flow\'s folder (the one with flow.dag.yaml)');
    }
  });

  it('counts a flex flow as a flow: found (and then refused by the importer as flex), and beside a DAG flow it makes two', async () => {
    const flex = await dry(await zipWith({ 'app/flow.flex.yaml': 'entry: app:main\n', 'app/app.py': 'def main():\n  return 1\n' }));
    expect(flex.status, flex.text).toBe(422);
    expect(flex.json.error.code).toBe('import_failed');
    expect(flex.json.error.message).toMatch(/flex flow/);
    refused(await dry(await zipWith({ 'a/flow.dag.yaml': DAG, 'b/flow.flex.yml': 'entry: app:main\n' })), 400, 'import_several_flows', 'files', 'the import holds several flows (a/flow.dag.yaml, b/flow.flex.yml): import one flow folder at a time');
  });

  it('takes the shallowest flow, and a folder holding flow.flex.yaml beside flow.dag.yaml as one flow', async () => {
    const nested = await dry(await zipWith({ 'outer/inner/flow.dag.yaml': DAG, 'outer/flow.dag.yaml': DAG }));
    ok(nested);
    expect(nested.json.flows.map((f: { name: string }) => f.name)).toEqual(['outer']);
    // Shallowest by folders, not by the length of the path.
    const short = await dry(await zipWith({ 'a/b/flow.dag.yaml': DAG, 'outer/flow.dag.yaml': DAG }));
    ok(short);
    expect(short.json.flows.map((f: { name: string }) => f.name)).toEqual(['outer']);
    const both = await dry(await zipWith({ 'pair/flow.flex.yaml': 'entry: app:main\n', 'pair/flow.dag.yaml': DAG }));
    ok(both);
    expect(both.json.flows[0].name).toBe('pair');
  });

  it('does not count a flow file inside a hidden folder (a backup, a checkpoint) as a flow', async () => {
    const r = await dry(await zipWith({ '.backup/flow.dag.yaml': DAG, 'live/flow.dag.yaml': DAG }));
    ok(r);
    expect(r.json.flows[0].name).toBe('live');
    const deeper = await dry(await zipWith({ '.old/flow.dag.yaml': DAG, 'repo/live/flow.dag.yaml': DAG }));
    ok(deeper);
    expect(deeper.json.flows[0].name).toBe('live');
    refused(await dry(await zipWith({ 'live/.flow.dag.yaml': DAG })), 400, 'import_no_flow', 'files', 'the import holds no flow.dag.yaml among its 1 file: pick the prompt flow\'s folder (the one with flow.dag.yaml)');
  });

  it('says how many files an upload without a flow holds, in the plural', async () => {
    refused(await dry(await zipWith({ 'a.py': 'x = 1', 'b.py': 'y = 2' })), 400, 'import_no_flow', 'files', 'the import holds no flow.dag.yaml among its 2 files: pick the prompt flow\'s folder (the one with flow.dag.yaml)');
  });

  it('reads an empty zip (PK\\5\\6) as a zip with no flow, and refuses any other four first bytes as not a zip', async () => {
    const empty = await new JSZip().generateAsync({ type: 'uint8array' });
    expect([...empty.subarray(0, 4)]).toEqual([0x50, 0x4b, 5, 6]);
    refused(await dry(empty), 400, 'import_no_flow', 'files', 'the import holds no flow.dag.yaml among its 0 files: pick the prompt flow\'s folder (the one with flow.dag.yaml)');
    const real = await zipWith({ 'flow/flow.dag.yaml': DAG });
    // Each keeps three of the four bytes of a zip's magic (the rest is a readable zip), so a check that
    // looks at fewer lets it through to the reader.
    const heads = [[0x51, 0x4b, 3, 4], [0x50, 0x4c, 3, 4], [0x50, 0x4b, 0, 4], [0x50, 0x4b, 3, 0], [0x50, 0x4b, 5, 0], [0x50, 0x4b, 0, 6], [0x50, 0x4b, 3, 6], [0x50, 0x4b, 5, 4]];
    for (const head of heads) {
      const bytes = Uint8Array.from(real);
      bytes.set(head, 0);
      refused(await dry(bytes), 400, 'import_not_zip', 'body', 'the body is not a zip archive: send a .zip of the flow folder (application/zip) or the folder\'s files as multipart/form-data');
    }
    refused(await post(undefined, 'application/zip'), 400, 'import_not_zip', 'body', 'the body is not a zip archive: send a .zip of the flow folder (application/zip) or the folder\'s files as multipart/form-data');
  });

  it('refuses a zip entry that does not inflate, naming it', async () => {
    const zip = new JSZip();
    zip.file('flow/flow.dag.yaml', DAG);
    zip.file('flow/data.txt', 'some text that deflate compresses '.repeat(20));
    const bytes = await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
    // The entry's deflate stream starts after its local header (30 bytes, its name, its extra field):
    // 0xff is a block of a type deflate does not have.
    const view = new DataView(bytes.buffer);
    const name = new TextEncoder().encode('flow/data.txt');
    let at = -1;
    for (let i = 0; i + 30 < bytes.length; i++) {
      if (view.getUint32(i, true) === 0x04034b50 && view.getUint16(i + 26, true) === name.length && name.every((b, k) => bytes[i + 30 + k] === b)) at = i + 30 + name.length + view.getUint16(i + 28, true);
    }
    expect(at).toBeGreaterThan(0);
    bytes.fill(0xff, at, at + 8);
    const r = await dry(bytes);
    expect(r.status, r.text).toBe(400);
    expect(r.json.error).toMatchObject({ code: 'import_not_zip', param: 'flow/data.txt' });
    expect(r.json.error.message).toMatch(/^zip entry "flow\/data\.txt" cannot be inflated: \S/);
  });

  it('reads a body that arrives in several chunks whole, and a file that inflates in several chunks whole', async () => {
    // The flow's nodes come after 200 KB of comments: a reader that kept only a first chunk would not see them.
    const padded = `${'# padding line of a long comment block\n'.repeat(5000)}${DAG}`;
    const zip = await zipWith({ 'big/flow.dag.yaml': padded, 'big/notes.md': 'n'.repeat(100_000) });
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= zip.byteLength) return c.close();
        c.enqueue(zip.slice(sent, sent + 100));
        sent += 100;
      },
    });
    const r = await post(stream, 'application/zip', '?dry_run=true');
    ok(r);
    expect(r.json.flows[0]).toMatchObject({ name: 'big', valid: true });
  });

  describe('path refusals, word for word', () => {
    const unsafe = async (name: string, why: string, shown = name) => {
      refused(await dry(await zipWith({ 'flow/flow.dag.yaml': DAG, [name]: 'x' })), 400, 'import_unsafe_path', shown, `file path "${shown}" ${why}`);
    };

    it('control characters, from NUL to unit separator and DEL', async () => {
      for (const c of ['\u0000', '\u0001', '\u001f', '\u007f']) await unsafe(`flow/a${c}b.py`, 'has control characters');
      // A space and a tilde are not control characters.
      ok(await dry(await zipWith({ 'flow/flow.dag.yaml': DAG, 'flow/a b~.txt': 'x' })));
    });

    it('absolute paths: from the root, or with a drive letter of either case', async () => {
      await unsafe('/etc/passwd', 'is absolute: send paths relative to the flow folder');
      await unsafe('c:/evil.py', 'is absolute: send paths relative to the flow folder');
      await unsafe('Z:evil.py', 'is absolute: send paths relative to the flow folder');
      // A colon further in is a name, not a drive.
      ok(await dry(await zipWith({ 'flow/flow.dag.yaml': DAG, 'flow/notes:v2.txt': 'x', 'flow/1:2.txt': 'x' })));
    });

    it('climbing out with .., and a path that is empty once . and // are dropped', async () => {
      await unsafe('flow/../../x.py', 'climbs out of its folder (..)');
      const f = new FormData();
      f.append('files', new Blob([DAG]), 'flow/flow.dag.yaml');
      f.append('files', new Blob(['x']), './.');
      refused(await post(f, undefined), 400, 'import_unsafe_path', './.', 'file path "./." is empty');
    });

    it('a path longer than 512 characters, shown cut at 512; one of 512 is taken', async () => {
      const at512 = `flow/${'a'.repeat(512 - 'flow/'.length - '.txt'.length)}.txt`;
      expect(at512).toHaveLength(512);
      ok(await dry(await zipWith({ 'flow/flow.dag.yaml': DAG, [at512]: 'x' })));
      const at513 = `flow/${'a'.repeat(513 - 'flow/'.length - '.txt'.length)}.txt`;
      await unsafe(at513, 'is longer than 512 characters', at513.slice(0, 512));
      // A hostile name is never echoed whole, whatever is wrong with it.
      const long = `/${'b'.repeat(700)}`;
      await unsafe(long, 'is absolute: send paths relative to the flow folder', long.slice(0, 512));
    });

    it('backslashes are folder separators, every one of them', async () => {
      const r = await post(form({ 'repo\\flows\\chat\\flow.dag.yaml': DAG, 'repo\\flows\\chat\\a.txt': 'x' }), undefined, '?dry_run=true');
      ok(r);
      expect(r.json.flows[0].name).toBe('chat');
    });

    it('. and empty segments are dropped: f/./a and f//a are the same file as f/a', async () => {
      refused(await post(form({ 'f/flow.dag.yaml': DAG, 'f//a.txt': 'x', 'f/a.txt': 'y' }), undefined), 400, 'duplicate_file', 'f/a.txt', '"f/a.txt" appears twice in the import');
    });
  });
});
