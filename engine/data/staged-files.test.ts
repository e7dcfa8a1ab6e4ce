import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256, StagedFiles } from './staged-files.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'weir-staged-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const bytes = (s: string) => new TextEncoder().encode(s);

describe('staged files', () => {
  it('keeps each content once under its hash and reads it back', async () => {
    const staged = new StagedFiles(path.join(root, 'a'));
    const h = await staged.put(bytes('one'));
    expect(h).toBe(sha256(bytes('one')));
    expect(await staged.put(bytes('one'))).toBe(h);
    expect(readdirSync(staged.dir)).toEqual([h]);
    expect(new TextDecoder().decode(await staged.read(h, 'one.txt'))).toBe('one');
  });

  it('a missing copy is a 422 file_missing naming the document', async () => {
    const staged = new StagedFiles(path.join(root, 'b'));
    await expect(staged.read(sha256(bytes('gone')), 'gone.md')).rejects.toThrow(expect.objectContaining({ code: 'file_missing', status: 422, message: expect.stringContaining('"gone.md"') }));
  });

  it('prune deletes what is not kept (crashed temp files too) and keeps the rest; a missing folder is fine', async () => {
    const staged = new StagedFiles(path.join(root, 'c'));
    await staged.prune(new Set());
    expect(existsSync(staged.dir)).toBe(false);
    const keep = await staged.put(bytes('keep'));
    const drop = await staged.put(bytes('drop'));
    writeFileSync(path.join(staged.dir, `${keep}.tmp-123`), 'half');
    await staged.prune(new Set([keep]));
    expect(readdirSync(staged.dir)).toEqual([keep]);
    expect(await staged.has(drop)).toBe(false);
    expect(await staged.has(keep)).toBe(true);
  });
});
