import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openStore } from './open.ts';
import type { OpenStoreOptions, Store } from './types.ts';

/** A fresh store on a real SQLite file in a temp folder for each test; closed and removed after. */
export function useTempStore(): { readonly store: Store; readonly dataDir: string; reopen(): Store } {
  const state = {
    reopen(): Store {
      state.store.close();
      return (state.store = openStore({ dataDir: state.dataDir }));
    },
  } as { store: Store; dataDir: string; reopen(): Store };
  beforeEach(() => {
    state.dataDir = mkdtempSync(join(tmpdir(), 'weir-store-'));
    state.store = openStore({ dataDir: state.dataDir });
  });
  afterEach(() => {
    state.store.close();
    rmSync(state.dataDir, { recursive: true, force: true });
  });
  return state;
}

/** Temp folders and stores a test opens itself (several, reopened…); all closed and removed after. */
export function useTempDirs(): { tempDir(): string; open(opts: OpenStoreOptions): Store } {
  const dirs: string[] = [];
  const opened: Store[] = [];
  afterEach(() => {
    for (const s of opened.splice(0)) s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return {
    tempDir() {
      const dir = mkdtempSync(join(tmpdir(), 'weir-store-'));
      dirs.push(dir);
      return dir;
    },
    open(opts) {
      const s = openStore(opts);
      opened.push(s);
      return s;
    },
  };
}
