import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';

/**
 * A service process (postgres, redis-server) that cannot outlive the test process. It runs under a
 * small sh watchdog holding the read end of a pipe from us: when we close the pipe — in stop(), or
 * because we exited or were SIGKILLed and the kernel closed it — the watchdog sends the service its
 * graceful stop signal. An `exit` handler in Node would not run on SIGKILL or on a worker being torn
 * down, so leaked servers would pile up between runs.
 */
export interface TiedProcess {
  /** stdout and stderr so far (the tail), for error messages. */
  output(): string;
  /** Resolves when the service and its watchdog have exited. */
  exited: Promise<void>;
  hasExited(): boolean;
  stop(): Promise<void>;
}

export interface TiedOptions {
  /** Sent by the watchdog when we go away: postgres takes INT (fast shutdown), redis TERM. */
  stopSignal: 'INT' | 'TERM';
  cwd: string;
  env: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  /** A folder to delete once the service has exited — also when we were killed and never saw it. */
  removeAfter?: string;
}

// The service gets /dev/null for stdin so only the watcher sees the pipe close. The watcher reads the
// pipe through fd 3 because a background job's own stdin is /dev/null in a non-interactive sh. Signal
// dispositions: such a job starts with SIGINT ignored, but postgres and redis install their own
// handlers, so the signal still reaches them.
const WATCHDOG = `
stop_signal=$1; remove_after=$2; shift 2
"$@" </dev/null &
service=$!
exec 3<&0
( read _ignored <&3; kill -s "$stop_signal" "$service" 2>/dev/null ) &
watcher=$!
wait "$service"
status=$?
kill "$watcher" 2>/dev/null
[ -n "$remove_after" ] && rm -rf "$remove_after"
exit "$status"
`;

const OUTPUT_TAIL = 64 * 1024;
/** How long a graceful stop may take before the whole process group is killed. */
const STOP_GRACE_MS = 30_000;

export function spawnTied(command: string, args: string[], opts: TiedOptions): TiedProcess {
  const child = spawn('/bin/sh', ['-c', WATCHDOG, 'watchdog', opts.stopSignal, opts.removeAfter ?? '', command, ...args], {
    cwd: opts.cwd,
    env: opts.env,
    uid: opts.uid,
    gid: opts.gid,
    // Its own process group, so a stop that hangs can kill the service and its children together.
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  const collect = (d: Buffer) => {
    out += d.toString();
    if (out.length > OUTPUT_TAIL) out = out.slice(-OUTPUT_TAIL);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  let done = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      done = true;
      resolve();
    });
    child.once('error', (err) => {
      collect(Buffer.from(`\n${err.message}\n`));
      done = true;
      resolve();
    });
  });
  // A test that forgets stop() must not keep its process alive; the pipe closing on exit stops the service.
  const handles = [child, child.stdin, child.stdout, child.stderr] as unknown as Socket[];
  for (const h of handles) h.unref();

  return {
    output: () => out,
    exited,
    hasExited: () => done,
    async stop() {
      if (done) return;
      for (const h of handles) h.ref();
      child.stdin!.end();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), STOP_GRACE_MS))),
      ]);
      clearTimeout(timer);
      if (timedOut && child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await exited;
      }
      for (const h of handles) h.unref();
    },
  };
}
