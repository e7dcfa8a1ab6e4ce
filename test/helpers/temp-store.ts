import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openStore } from '../../engine/store/open.ts';
import type { OpenStoreOptions, Store } from '../../engine/store/types.ts';

/** A fresh store on a real SQLite file in a temp folder for each test; closed and removed after. */
export function useTempStore(): { readonly store: Store; readonly dataDir: string; reopen(): Promise<Store> } {
  const state = {
    async reopen(): Promise<Store> {
      await state.store.close();
      return (state.store = await openStore({ dataDir: state.dataDir }));
    },
  } as { store: Store; dataDir: string; reopen(): Promise<Store> };
  beforeEach(async () => {
    state.dataDir = mkdtempSync(join(tmpdir(), 'weir-store-'));
    state.store = await openStore({ dataDir: state.dataDir });
  });
  afterEach(async () => {
    try {
      await state.store?.close();
    } finally {
      rmSync(state.dataDir, { recursive: true, force: true });
    }
  });
  return state;
}

/** Temp folders and stores a test opens itself (several, reopened…); all closed and removed after. */
export function useTempDirs(): { tempDir(): string; open(opts: OpenStoreOptions): Promise<Store> } {
  const dirs: string[] = [];
  const opened: Store[] = [];
  afterEach(async () => {
    try {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    } finally {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    }
  });
  return {
    tempDir() {
      const dir = mkdtempSync(join(tmpdir(), 'weir-store-'));
      dirs.push(dir);
      return dir;
    },
    async open(opts) {
      const s = await openStore(opts);
      opened.push(s);
      return s;
    },
  };
}
