import { describeMissing, missingGroups, requireAll } from './requirements.ts';

/** Fails a run that must be complete, and names the groups a partial run left out when it ends. */
export default function setup(): () => void {
  const missing = missingGroups();
  if (missing.length && requireAll()) {
    throw new Error(`WEIR_REQUIRE_ALL_TESTS=1 but some test groups cannot run here:\n${describeMissing(missing)}`);
  }
  return () => {
    if (missing.length) console.log(`\nSome test groups were not run on this machine:\n${describeMissing(missing)}\n`);
  };
}
