/**
 * The caps of an import upload at their exact edges, with small limits so each edge is a few bytes:
 * a body, a file and all files at the cap are taken and one byte more is refused (413, naming the
 * cap); so are the file counts. Written against the mutants of import-upload.ts that the hostile
 * upload tests let live (test/mutation/import-upload.md); what a user sees over HTTP is in
 * test/api/import-upload-survivors.test.ts.
 */
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { WeirError } from '../errors.ts';
import { checkUploadedFiles, flowFolder, readCapped, readZip, type UploadLimits } from './import-upload.ts';

const LIMITS: UploadLimits = { bodyBytes: 100, totalBytes: 250, fileBytes: 100, files: 3 };

/** What a refusal carries to the client: code, status, where, and the message. */
async function refusal(p: Promise<unknown> | (() => unknown)) {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    expect(err).toBeInstanceOf(WeirError);
    const e = err as WeirError;
    return { code: e.code, status: e.status, path: e.path, message: e.message };
  }
  throw new Error('expected a refusal');
}

const bytes = (n: number) => new Uint8Array(n).fill(0x61);
const zip = async (files: Record<string, Uint8Array | string>, folders: string[] = []) => {
  const z = new JSZip();
  for (const f of folders) z.folder(f);
  for (const [p, content] of Object.entries(files)) z.file(p, content);
  return z.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
};
/** A body as a client streams it, in chunks of `size`; records whether the reader cancelled it. */
function streamed(total: number, size: number) {
  const state = { sent: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (state.sent >= total) return c.close();
      const n = Math.min(size, total - state.sent);
      c.enqueue(Uint8Array.from({ length: n }, (_, i) => (state.sent + i) % 251));
      state.sent += n;
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { body, state };
}

describe('the request body cap', () => {
  it('takes a body of exactly the cap, whole and in order, however it is chunked', async () => {
    const { body } = streamed(100, 30);
    const read = await readCapped(body, LIMITS);
    expect([...read]).toEqual(Array.from({ length: 100 }, (_, i) => i % 251));
  });

  it('refuses one byte more as it arrives, and stops reading the client', async () => {
    const { body, state } = streamed(10_000, 30);
    expect(await refusal(readCapped(body, LIMITS))).toEqual({ code: 'import_too_large', status: 413, path: ['body'], message: 'the upload is larger than 100 bytes, the most an import may be' });
    expect(state.cancelled).toBe(true);
    expect(state.sent).toBeLessThan(10_000);
    const { body: one } = streamed(101, 101);
    expect((await refusal(readCapped(one, LIMITS))).code).toBe('import_too_large');
  });

  it('reads no body as an empty one', async () => {
    expect(await readCapped(null, LIMITS)).toEqual(new Uint8Array(0));
  });
});

describe('the caps of a zip, counted as it inflates', () => {
  it('takes a file of exactly the file cap and files of exactly the total cap', async () => {
    const r = await readZip(await zip({ 'f/a.bin': bytes(100), 'f/b.bin': bytes(100), 'f/c.bin': bytes(50) }), LIMITS);
    expect(r.files.map((f) => [f.path, f.bytes.byteLength])).toEqual([['f/a.bin', 100], ['f/b.bin', 100], ['f/c.bin', 50]]);
  });

  it('refuses a file one byte over the file cap, naming it', async () => {
    expect(await refusal(readZip(await zip({ 'f/a.bin': bytes(101) }), LIMITS))).toEqual({
      code: 'import_file_too_large', status: 413, path: ['f/a.bin'], message: 'file "f/a.bin" is larger than 100 bytes, the most one imported file may be',
    });
  });

  it('refuses files one byte over the total cap once inflated', async () => {
    expect(await refusal(readZip(await zip({ 'f/a.bin': bytes(100), 'f/b.bin': bytes(100), 'f/c.bin': bytes(51) }), LIMITS))).toEqual({
      code: 'import_too_large', status: 413, path: ['body'], message: "the import's files come to more than 250 bytes once inflated, the most an import may be",
    });
  });

  it('counts files, not folders: as many files as the cap are taken, one more is refused', async () => {
    const three = await readZip(await zip({ 'f/a.txt': 'a', 'f/b.txt': 'b', 'f/sub/c.txt': 'c' }, ['f', 'f/sub', 'f/empty']), LIMITS);
    expect(three.files.map((f) => f.path)).toEqual(['f/a.txt', 'f/b.txt', 'f/sub/c.txt']);
    expect(await refusal(readZip(await zip({ 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c', 'd.txt': 'd' }), LIMITS))).toEqual({
      code: 'import_too_many_files', status: 413, path: ['files'], message: 'the import holds 4 files; an import may hold at most 3',
    });
  });

  it('counts files left out loosely: up to ten times the cap are taken (and listed), one more is refused', async () => {
    const cached = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f/__pycache__/m${i}.pyc`, 'x']));
    const r = await readZip(await zip({ ...cached(29), 'f/flow.dag.yaml': 'nodes: []\n' }), LIMITS);
    expect(r.files.map((f) => f.path)).toEqual(['f/flow.dag.yaml']);
    expect(r.ignored).toHaveLength(29);
    expect(await refusal(readZip(await zip({ ...cached(30), 'f/flow.dag.yaml': 'nodes: []\n' }), LIMITS))).toEqual({
      code: 'import_too_many_files', status: 413, path: ['files'], message: 'the import holds 31 files; an import may hold at most 3',
    });
  });
});

describe('the caps of a picked folder (multipart files)', () => {
  const file = (path: string, n: number) => ({ path, bytes: bytes(n) });

  it('takes a file of exactly the file cap, files of exactly the total cap, and as many files as the cap', () => {
    const r = checkUploadedFiles([file('f/a.bin', 100), file('f/b.bin', 100), file('f/c.bin', 50), file('f/.venv/x', 500)], LIMITS);
    expect(r.files.map((f) => f.path)).toEqual(['f/a.bin', 'f/b.bin', 'f/c.bin']);
    expect(r.ignored).toEqual(['f/.venv/x']);
  });

  it('refuses one byte over each cap, and one file over the count', async () => {
    expect(await refusal(() => checkUploadedFiles([file('f/a.bin', 101)], LIMITS))).toEqual({
      code: 'import_file_too_large', status: 413, path: ['f/a.bin'], message: 'file "f/a.bin" is larger than 100 bytes, the most one imported file may be',
    });
    expect(await refusal(() => checkUploadedFiles([file('f/a.bin', 100), file('f/b.bin', 100), file('f/c.bin', 51)], LIMITS))).toEqual({
      code: 'import_too_large', status: 413, path: ['body'], message: "the import's files come to more than 250 bytes once inflated, the most an import may be",
    });
    expect(await refusal(() => checkUploadedFiles([file('a', 1), file('b', 1), file('c', 1), file('d', 1)], LIMITS))).toEqual({
      code: 'import_too_many_files', status: 413, path: ['files'], message: 'the import holds 4 files; an import may hold at most 3',
    });
  });
});

describe('the flow file an upload is found by', () => {
  const upload = (...paths: string[]) => ({ files: paths.map((path) => ({ path, bytes: new TextEncoder().encode('nodes: []\n') })), ignored: [] });

  it('is the DAG where a folder holds flow.flex.yaml beside flow.dag.yaml, whichever comes first', () => {
    expect(flowFolder(upload('chat/flow.flex.yaml', 'chat/flow.dag.yaml')).flowFile).toBe('chat/flow.dag.yaml');
    expect(flowFolder(upload('chat/flow.flex.yml', 'chat/flow.dag.yml')).flowFile).toBe('chat/flow.dag.yml');
    expect(flowFolder(upload('chat/flow.flex.yaml')).flowFile).toBe('chat/flow.flex.yaml');
    // By the file's own name: a folder named like a flow file does not make its flex file the DAG.
    expect(flowFolder(upload('v1.dag.yaml/flow.flex.yaml', 'v1.dag.yaml/flow.dag.yaml')).flowFile).toBe('v1.dag.yaml/flow.dag.yaml');
  });

  it('names the folder it is in, and no folder when it is at the top of the upload', () => {
    expect(flowFolder(upload('repo/flows/chat/flow.dag.yaml'))).toMatchObject({ flowFile: 'repo/flows/chat/flow.dag.yaml', folderName: 'chat' });
    expect(flowFolder(upload('flow.dag.yaml')).folderName).toBeUndefined();
  });
});
