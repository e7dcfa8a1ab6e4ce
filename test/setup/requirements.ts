import { existsSync } from 'node:fs';
import { findOnPath, findPgBin } from '../helpers/services/binaries.ts';

/**
 * Test groups that need something from outside npm. On a machine without it `npm test` runs
 * everything else and names each group it left out with the command that installs what it needs;
 * with WEIR_REQUIRE_ALL_TESTS=1 (set by .ci/run) a missing requirement fails the run instead.
 */
export interface TestGroup {
  name: string;
  /** Test file globs of the group. */
  files: string[];
  available(): boolean;
  install: string;
}

export const chromiumPath = (): string => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const TEST_GROUPS: TestGroup[] = [
  {
    name: 'browser tests (the studio, the API reference page)',
    files: ['test/studio/**/*.test.ts', 'test/docs-page.e2e.test.ts'],
    available: () => existsSync(chromiumPath()),
    install: 'apt-get install chromium (or set CHROMIUM_PATH)',
  },
  {
    // The tests start their own throwaway servers (test/helpers/services/), so only the binaries matter.
    name: 'Postgres tests',
    files: ['**/*.pg.test.ts', '**/*.pg-redis.test.ts', 'test/cluster/**/*.test.ts'],
    available: () => findPgBin() !== undefined,
    install: 'apt-get install postgresql (or set PG_BIN to the folder holding initdb)',
  },
  {
    // Tests that need both servers (*.pg-redis, the cluster) are in both groups.
    name: 'Redis tests',
    files: ['**/*.redis.test.ts', '**/*.pg-redis.test.ts', 'test/cluster/**/*.test.ts'],
    available: () => findOnPath('redis-server') !== undefined,
    install: 'apt-get install redis-server',
  },
  {
    // Python tools (the `python` node, the prompt flow importer) run in python3 worker processes.
    name: 'Python tool tests',
    files: ['**/*.python.test.ts'],
    available: () => (process.env.WEIR_PYTHON ? existsSync(process.env.WEIR_PYTHON) : findOnPath('python3') !== undefined),
    install: 'apt-get install python3 (or set WEIR_PYTHON to a python3 binary)',
  },
];

export const missingGroups = (): TestGroup[] => TEST_GROUPS.filter((g) => !g.available());

export const requireAll = (): boolean => process.env.WEIR_REQUIRE_ALL_TESTS === '1';

export function describeMissing(groups: TestGroup[]): string {
  return groups.map((g) => `  not run: ${g.name} — ${g.install}`).join('\n');
}
