import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['engine/**/*.test.ts', 'nodes/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
