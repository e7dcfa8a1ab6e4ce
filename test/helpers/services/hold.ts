import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * Starts a service in a separate Node process (hold-service.ts) and resolves with its URL and a way to
 * SIGKILL that process — to show the service dies with a test process that never called stop().
 */
export async function holdInChild(service: 'postgres' | 'redis'): Promise<{ url: string; kill(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'hold-service.ts'), service], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /^(postgres|redis):\/\/\S+/m.exec(out);
      if (m) resolve(m[0]);
    });
    child.once('exit', () => reject(new Error(`the holding process exited: ${out}`)));
  });
  return { url, kill: () => child.kill('SIGKILL') };
}
