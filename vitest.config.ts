import { defineConfig } from 'vitest/config';
import { missingGroups, requireAll } from './test/setup/requirements.ts';

// Groups whose requirement is missing are left out (and named at the end by the global setup),
// unless the run must be complete, in which case the global setup fails it.
const leftOut = requireAll() ? [] : missingGroups().flatMap((g) => g.files);

export default defineConfig({
  test: {
    include: ['engine/**/*.test.ts', 'nodes/**/*.test.ts', 'importers/**/*.test.ts', 'editor/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...leftOut],
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 20_000,
    // Test files run side by side on every core, so a llama.cpp model given all cores would spin
    // against the other workers (10-100x slower here); one thread each keeps the suite steady.
    env: { WEIR_THREADS: '1' },
  },
});
