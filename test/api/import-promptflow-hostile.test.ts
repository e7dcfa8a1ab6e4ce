/**
 * POST /api/import/promptflow against hostile uploads: each refused with a 4xx that names the
 * problem and where it is (error.param), before the importer sees anything and with nothing stored.
 * Zips are built here; the zip bombs are a few KB that inflate past the caps.
 */
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UPLOAD_LIMITS } from '../../engine/api/import-upload.ts';
import { ADMIN, makeApi, readAnswer, type Api } from '../helpers/api.ts';
import { zipOf } from '../helpers/promptflow-dev.ts';

const DAG = 'inputs:\n  q: { type: string }\noutputs:\n  a: { type: string, reference: ${inputs.q} }\nnodes: []\n';

/**
 * Rewrites the uncompressed size a zip declares for `name` (its local header and its central
 * directory entry): a bomb that claims to be small.
 */
function declareSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const out = Uint8Array.from(zip);
  const view = new DataView(out.buffer);
  const want = new TextEncoder().encode(name);
  const named = (at: number) => want.every((b, i) => out[at + i] === b);
  let patched = 0;
  for (let i = 0; i + 46 < out.length; i++) {
    const sig = view.getUint32(i, true);
    // Local file header: size at 22, name length at 26, name at 30.
    if (sig === 0x04034b50 && view.getUint16(i + 26, true) === want.length && named(i + 30)) (view.setUint32(i + 22, size, true), patched++);
    // Central directory header: size at 24, name length at 28, name at 46.
    if (sig === 0x02014b50 && view.getUint16(i + 28, true) === want.length && named(i + 46)) (view.setUint32(i + 24, size, true), patched++);
  }
  expect(patched).toBe(2);
  return out;
}

describe('prompt flow import: hostile uploads', () => {
  let api: Api;
  beforeAll(() => {
    api = makeApi();
  });
  afterAll(() => api.close());

  const post = async (body: RequestInit['body'], type: string | undefined, query = '') => {
    const headers: Record<string, string> = { authorization: `Bearer ${ADMIN}` };
    if (type) headers['content-type'] = type;
    return readAnswer(await api.app.request(`/api/import/promptflow${query}`, { method: 'POST', headers, body }));
  };
  const postZip = (bytes: Uint8Array, query = '') => post(bytes, 'application/zip', query);
  const refused = (r: { status: number; json: any; text: string }, status: number, code: string, param: string | null, message?: RegExp) => {
    expect(r.status, r.text).toBe(status);
    expect(r.json.error.code).toBe(code);
    expect(r.json.error.param).toBe(param);
    if (message) expect(r.json.error.message).toMatch(message);
  };
  const noFlows = async () => expect((await api.call('GET', '/api/flows')).json.data).toEqual([]);

  /** A zip with `name` holding raw bytes, written entry by entry (jszip keeps the name as given). */
  const zipWith = (entries: Record<string, Uint8Array | string>) => zipOf(new Map(Object.entries(entries)));

  it('refuses a body that is neither a zip nor multipart (415), and one sent as a zip that is not one (400)', async () => {
    refused(await post('inputs: {}', 'application/yaml'), 415, 'unsupported_media_type', null, /application\/zip.*multipart\/form-data/);
    refused(await post('hello', undefined), 415, 'unsupported_media_type', null, /no content type|text\/plain/);
    refused(await postZip(new TextEncoder().encode('this is not a zip at all')), 400, 'import_not_zip', 'body', /not a zip archive/);
    // The magic is right, the rest is not: jszip's own complaint is passed on.
    const cut = (await zipWith({ 'flow.dag.yaml': DAG })).subarray(0, 40);
    refused(await postZip(cut), 400, 'import_not_zip', 'body', /cannot be read/);
    refused(await post('--x\r\nnot a part', 'multipart/form-data; boundary=x'), 400, 'invalid_multipart', null, /could not be read/);
    await noFlows();
  });

  it('refuses a zip bomb by the bytes it inflates to, naming the entry, without trusting its declared size', async () => {
    const bomb = declareSize(await zipWith({ 'flow.dag.yaml': DAG, 'data/zeros.bin': new Uint8Array(UPLOAD_LIMITS.fileBytes + 1) }), 'data/zeros.bin', 100);
    expect(bomb.byteLength).toBeLessThan(64 * 1024);
    expect((await JSZip.loadAsync(bomb)).file('data/zeros.bin')).toBeTruthy();
    refused(await postZip(bomb), 413, 'import_file_too_large', 'data/zeros.bin', new RegExp(`"data/zeros.bin" is larger than ${UPLOAD_LIMITS.fileBytes} bytes`));
    // Many entries each under the file cap, together over the total.
    const entries: Record<string, Uint8Array | string> = { 'flow.dag.yaml': DAG };
    const n = Math.ceil(UPLOAD_LIMITS.totalBytes / UPLOAD_LIMITS.fileBytes) + 1;
    for (let i = 0; i < n; i++) entries[`data/part-${i}.bin`] = new Uint8Array(UPLOAD_LIMITS.fileBytes - 1);
    refused(await postZip(await zipWith(entries)), 413, 'import_too_large', 'body', /once inflated/);
    await noFlows();
  });

  it('refuses ../ and absolute paths by name, in a zip and in multipart file names', async () => {
    refused(await postZip(await zipWith({ 'flow.dag.yaml': DAG, '../evil.py': 'x = 1' })), 400, 'import_unsafe_path', '../evil.py', /climbs out/);
    refused(await postZip(await zipWith({ 'flow.dag.yaml': DAG, 'a/../../evil.py': 'x = 1' })), 400, 'import_unsafe_path', 'a/../../evil.py', /climbs out/);
    refused(await postZip(await zipWith({ 'flow.dag.yaml': DAG, '/etc/cron.d/evil': 'x' })), 400, 'import_unsafe_path', '/etc/cron.d/evil', /absolute/);
    const form = new FormData();
    form.append('files', new Blob([DAG]), 'flow/flow.dag.yaml');
    form.append('files', new Blob(['x = 1']), 'C:\\Windows\\evil.py');
    refused(await post(form, undefined), 400, 'import_unsafe_path', 'C:\\Windows\\evil.py', /absolute/);
    await noFlows();
  });

  it('refuses a text file that is not UTF-8, naming it', async () => {
    const latin1 = new Uint8Array([0x23, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x0a]); // "# café" in Latin-1
    refused(await postZip(await zipWith({ 'flow/flow.dag.yaml': DAG, 'flow/tool.py': latin1 })), 400, 'import_not_utf8', 'flow/tool.py', /not UTF-8/);
    await noFlows();
  });

  it('refuses too many files, and a body over the upload cap as it streams in', async () => {
    const many: Record<string, string> = { 'flow.dag.yaml': DAG };
    for (let i = 0; i < UPLOAD_LIMITS.files; i++) many[`f/${i}.txt`] = 'x';
    refused(await postZip(await zipWith(many)), 413, 'import_too_many_files', 'files', new RegExp(`at most ${UPLOAD_LIMITS.files}`));
    // No content-length (a stream): counted as it arrives and cut at the cap.
    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent > UPLOAD_LIMITS.bodyBytes + 2 * chunk.byteLength) return c.close();
        sent += chunk.byteLength;
        c.enqueue(chunk);
      },
    });
    const res = await api.app.request('/api/import/promptflow', { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/zip' }, body: stream, duplex: 'half' } as RequestInit);
    refused(await readAnswer(res), 413, 'import_too_large', 'body', new RegExp(`larger than ${UPLOAD_LIMITS.bodyBytes} bytes`));
    // A declared length over the cap is refused before a byte is read.
    const declared = await api.app.request('/api/import/promptflow', { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/zip', 'content-length': String(UPLOAD_LIMITS.bodyBytes + 1) }, body: new Uint8Array(8) });
    refused(await readAnswer(declared), 413, 'import_too_large', 'body', /an import may be at most/);
    await noFlows();
  });

  it('refuses an upload without a flow.dag.yaml, and one holding two flows side by side', async () => {
    refused(await postZip(await zipWith({ 'README.md': '# hi', 'tool.py': 'x = 1' })), 400, 'import_no_flow', 'files', /no flow\.dag\.yaml among its 2 files/);
    refused(await postZip(await zipWith({ 'a/flow.dag.yaml': DAG, 'b/flow.dag.yaml': DAG })), 400, 'import_several_flows', 'files', /a\/flow\.dag\.yaml, b\/flow\.dag\.yaml/);
    // Caches and virtual environments are left out before anything is looked at: a flow file inside one does not count.
    refused(await postZip(await zipWith({ '.venv/lib/flow.dag.yaml': DAG, '__pycache__/x.pyc': new Uint8Array([1]) })), 400, 'import_no_flow', 'files', /among its 0 files/);
    const dup = new FormData();
    dup.append('files', new Blob([DAG]), 'f/flow.dag.yaml');
    dup.append('files', new Blob([DAG]), 'f/./flow.dag.yaml');
    refused(await post(dup, undefined), 400, 'duplicate_file', 'f/flow.dag.yaml', /appears twice/);
    await noFlows();
  });

  it('refuses bad options by name: flow name, deployment_map, dry_run, replace, unknown form fields', async () => {
    const zip = await zipWith({ 'flow.dag.yaml': DAG });
    refused(await postZip(zip, '?name=1st'), 400, 'invalid_name', 'name', /letters, digits/);
    refused(await postZip(zip, '?name=a/b'), 400, 'invalid_name', 'name');
    refused(await postZip(zip, `?deployment_map=${encodeURIComponent('{"gpt-4": 5}')}`), 400, 'invalid_deployment_map', 'deployment_map', /not a Weir deployment name/);
    refused(await postZip(zip, `?deployment_map=${encodeURIComponent('{not json')}`), 400, 'invalid_deployment_map', 'deployment_map', /not valid JSON/);
    refused(await postZip(zip, `?deployment_map=${encodeURIComponent('gpt-4')}`), 400, 'invalid_deployment_map', 'deployment_map', /without "="/);
    refused(await postZip(zip, `?deployment_map=${encodeURIComponent('gpt-4=../x')}`), 400, 'invalid_deployment_map', 'deployment_map');
    refused(await postZip(zip, '?dry_run=maybe'), 400, 'invalid_request', 'dry_run', /true or false/);
    refused(await postZip(zip, '?replace=yes'), 400, 'invalid_request', 'replace', /true or false/);
    const form = new FormData();
    form.append('files', new Blob([DAG]), 'f/flow.dag.yaml');
    form.append('overwrite_everything', 'true');
    refused(await post(form, undefined), 400, 'invalid_request', 'overwrite_everything', /unknown form field/);
    await noFlows();
  });

  it('is behind the admin token', async () => {
    const res = await api.app.request('/api/import/promptflow', { method: 'POST', headers: { 'content-type': 'application/zip' }, body: await zipWith({ 'flow.dag.yaml': DAG }) });
    expect(res.status).toBe(401);
  });
});

// jszip is what builds and reads the zips: a sanity check that an entry named with ../ keeps its name.
it('jszip keeps an entry name with ../ as written (what the hostile zips above rely on)', async () => {
  const zip = await JSZip.loadAsync(await zipOf(new Map([['../x.py', 'x']])));
  expect(Object.values(zip.files).map((f) => f.unsafeOriginalName ?? f.name)).toContain('../x.py');
});
