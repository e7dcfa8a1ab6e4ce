/**
 * The prompt flow development set (/work/shared/promptflow-dev, beside the repository): read in
 * place, never copied into the project. Tests that need it are skipped, naming the folder, where it
 * is missing.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PROMPTFLOW_DEV = path.resolve(repoRoot, '../shared/promptflow-dev');
export const hasPromptflowDev = existsSync(path.join(PROMPTFLOW_DEV, 'chat-basic', 'flow.dag.yaml'));
/** For a skipped test's name: what it needs and where it looked. */
export const NEEDS_DEV_SET = `needs the prompt flow development set at ${PROMPTFLOW_DEV}`;
if (!hasPromptflowDev) console.warn(`prompt flow import tests skipped: ${NEEDS_DEV_SET} (missing)`);

/** A dev-set flow folder's files, by path relative to the folder. */
export function devFlowFiles(flow: string): Map<string, Buffer> {
  const root = path.join(PROMPTFLOW_DEV, flow);
  const out = new Map<string, Buffer>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.set(path.relative(root, full).split(path.sep).join('/'), readFileSync(full));
    }
  };
  walk(root);
  return out;
}

/** A zip holding `files` under `prefix` (a zip of the folder itself: `chat-basic/flow.dag.yaml` …). */
export async function zipOf(files: Map<string, Uint8Array | string>, prefix = ''): Promise<Uint8Array> {
  const zip = new JSZip();
  for (const [p, content] of files) zip.file(`${prefix}${p}`, content);
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}
