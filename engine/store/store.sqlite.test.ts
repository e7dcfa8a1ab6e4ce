/** The store contract against the embedded SQLite store: a fresh database in a temp folder per test. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeContract } from './contract/index.ts';
import { openStore } from './open.ts';

storeContract({
  name: 'sqlite',
  open: () => openStore({ dataDir: mkdtempSync(join(tmpdir(), 'weir-store-')) }),
  reopen: (store) => openStore({ dataDir: store.dir }),
  async cleanup(store) {
    try {
      await store.close();
    } finally {
      rmSync(store.dir, { recursive: true, force: true });
    }
  },
});
