import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * The vitest config Stryker runs (npm run test:mutation). Stryker runs the covering tests once per
 * mutant, so tests that start browsers, spawn processes or load real models would make a run take
 * hours on a small machine and add little: they exercise the mutated modules only through layers
 * that the fast tests already cover. They stay in `npm test`.
 *
 * WEIR_MUTATION_TESTS (comma-separated globs) narrows the test files further, e.g. for a quick run
 * on one module: WEIR_MUTATION_TESTS=engine/flow/**\/*.test.ts npm run test:mutation -- --mutate engine/flow/references.ts
 */
const slow = [
  // browser end-to-end tests (need chromium)
  'test/studio/**',
  '**/*.e2e.test.ts',
  // spawn the CLI or a server process, or kill one on purpose
  'test/cli*.test.ts',
  'test/server-crash.test.ts',
  'test/data/data-crash.test.ts',
  'engine/store/crash.test.ts',
  // load or pull real models (llama.cpp, transformers, the embedding model)
  'engine/models/**/*.test.ts',
  'engine/api/routes/models.test.ts',
  'nodes/llm.test.ts',
  'nodes/embed.test.ts',
  'test/api/gguf-embeddings.test.ts',
  'test/api/llm-flow.test.ts',
  'test/api/model-*.test.ts',
  'test/api/openai-sdk.test.ts',
  'test/api/openai-errors.test.ts',
  'test/helpers/tiny-gguf.test.ts',
  // the editor's own tests never reach the engine modules that are mutated
  'editor/**',
];

const narrowed = process.env.WEIR_MUTATION_TESTS?.split(',').map((s) => s.trim()).filter(Boolean);

// Spread, not mergeConfig: mergeConfig concatenates arrays, so a narrowed include would be added
// to the full one instead of replacing it.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: narrowed?.length ? narrowed : base.test?.include,
    exclude: [...(base.test?.exclude ?? []), ...slow],
  },
});
