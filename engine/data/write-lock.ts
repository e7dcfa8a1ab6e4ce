/**
 * One writer per data index across processes (`weir serve` and `weir data add` may share a data
 * folder): a lock file holding the writer's pid, created exclusively. A lock whose process is gone
 * (a crash) is taken over.
 */
import { openSync, readFileSync, unlinkSync, writeSync, closeSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const LOCK = 'write.lock';

/** Is the process with this pid alive (on this host)? */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock, or returns the pid of the live process holding it. */
export function tryLock(dir: string): { release: () => void } | { heldBy: number } {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return {
        release: () => {
          if (released) return;
          released = true;
          try {
            unlinkSync(file);
          } catch {
            // already gone (the index was deleted)
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let pid = NaN;
    try {
      pid = Number(readFileSync(file, 'utf8'));
    } catch {
      continue; // released between our open and read
    }
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) return { heldBy: pid };
    // Left by a crashed process (or by this one before a restart with the same pid).
    try {
      unlinkSync(file);
    } catch {
      // someone else took it over first
    }
  }
  return { heldBy: -1 };
}
