import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['engine/**/*.test.ts', 'nodes/**/*.test.ts', 'editor/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    // Test files run side by side on every core, so a llama.cpp model given all cores would spin
    // against the other workers (10-100x slower here); one thread each keeps the suite steady.
    env: { WEIR_THREADS: '1' },
  },
});
