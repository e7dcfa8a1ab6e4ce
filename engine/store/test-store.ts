import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openStore } from './open.ts';
import type { Store } from './types.ts';

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
