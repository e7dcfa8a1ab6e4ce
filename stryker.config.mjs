// @ts-check
import { execFileSync } from 'node:child_process';

/**
 * Mutation testing (npm run test:mutation): Stryker changes one thing at a time in the modules
 * whose mistakes cost most and checks that some test fails. A mutant that survives is a change
 * no test notices. Not part of `npm test`: a full run takes a long time on purpose.
 *
 *   npm run test:mutation                                      every module below
 *   npm run test:mutation -- --mutate engine/flow/references.ts one module
 *   npm run test:mutation -- --incremental                     reuse the last run's results; only
 *                                                               mutants in changed code or covered by
 *                                                               changed tests run again
 *   npm run test:mutation:changed                              only the modules below that differ
 *                                                               from WEIR_MUTATE_BASE (default HEAD~1,
 *                                                               working tree included)
 *
 * WEIR_MUTATION_TESTS narrows the test files (see vitest.mutation.config.ts) for a quick run: on
 * this 2-core machine references.ts against its own tests took ~2 minutes, against every engine/flow
 * test (scale.test.ts included) it was heading for half an hour.
 */
const critical = [
  // flow validation: a miss here lets a broken or hostile flow through
  'engine/flow/references.ts',
  'engine/flow/graph-checks.ts',
  'engine/flow/validate.ts',
  // running a flow
  'engine/run/executor.ts',
  'engine/run/invoke.ts',
  // what user code and user URLs may reach
  'nodes/lib/address-guard.ts',
  'engine/sandbox/template/safety.ts',
  'engine/sandbox/template/member.ts',
  // who may call, and what a call may send
  'engine/api/auth.ts',
  'engine/api/body.ts',
  // which version serves a call (the traffic split)
  'engine/app/traffic.ts',
  // gateway policies: limit windows, which limits a call counts against, admission and
  // reconciling, quota pools and allocations, compute quota, the estimate, pricing, and the headers that tell the caller
  'engine/app/gateway/windows.ts',
  'engine/app/gateway/limits.ts',
  'engine/app/gateway/admit.ts',
  'engine/app/gateway/quotas.ts',
  'engine/app/gateway/compute.ts',
  'engine/app/gateway/estimate.ts',
  'engine/app/gateway/cost.ts',
  'engine/api/rate-headers.ts',
  // content safety: what a policy filters, stream windows, blocklists
  'engine/safety/policy.ts',
  'engine/safety/stream-window.ts',
  'engine/safety/blocklist.ts',
  // hybrid search fusion, and chunking (an overlap off by one survived every test in issue 13)
  'engine/data/vector-ranking.ts',
  'engine/data/chunking.ts',
];

/** The critical modules that differ from the base, for test:mutation:changed. */
function changedOnly() {
  const base = process.env.WEIR_MUTATE_BASE ?? 'HEAD~1';
  const changed = new Set(execFileSync('git', ['diff', '--name-only', base], { encoding: 'utf8' }).split('\n').filter(Boolean));
  const picked = critical.filter((m) => changed.has(m));
  // An empty list would make Stryker mutate nothing and fail; say so plainly instead.
  if (!picked.length) {
    console.log(`test:mutation:changed: no critical module differs from ${base}; nothing to mutate.`);
    process.exit(0);
  }
  return picked;
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  // The vitest runner always measures coverage per test, so each mutant runs only the tests
  // that reach it; stated here so nobody turns it off by accident.
  coverageAnalysis: 'perTest',
  mutate: process.env.WEIR_MUTATE_CHANGED === '1' ? changedOnly() : critical,
  // One mutant at a time: the machine is small and shared.
  concurrency: 1,
  // Tests here use real SQLite and real HTTP servers; a slow first run must not count as a timeout.
  timeoutMS: 20_000,
  timeoutFactor: 2,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['progress', 'clear-text', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true },
  tempDirName: '.stryker-tmp',
  // Other runs' sandboxes (a second run with its own --tempDirName) must not be copied into this one.
  ignorePatterns: ['.weir', 'coverage', 'test-results', 'reports', '/.stryker-tmp*'],
  cleanTempDir: true,
};
