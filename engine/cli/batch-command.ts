/**
 * `weir run <flow> --data lines.jsonl`: a batch run from the command line (prompt flow's `pf run`),
 * on the batch core the server's batch runs use. Lines are run in-process; nothing is stored.
 */
import { existsSync } from 'node:fs';
import { WeirError } from '../errors.ts';
import type { NodeRegistry } from '../registry.ts';
import { durationMs } from '../flow/schema.ts';
import { withSubflows } from '../run/subflows.ts';
import { checkBatch, runBatch, type BatchProgress } from '../app/batch/run-batch.ts';
import type { LineResult } from '../app/batch/line-run.ts';
import { lineJson, OutputFile, parseMappingArgs, readDataFile, readEarlierFile, readOutputFile } from './batch-files.ts';
import { loadPlan, type Io } from './commands.ts';
import { formatMetrics, relative } from './format.ts';

export interface BatchArgs {
  flow: string;
  data: string;
  columnMapping: string[];
  output?: string;
  concurrency?: number;
  /** An earlier batch's `--output` file, or a recorded batch run's id, for an evaluation run. */
  run?: string;
  /** Where a recorded batch run (`--run <id>`) is looked for: the server's data folder. */
  dataDir?: string;
  timeout?: string;
  json: boolean;
  isTty?: boolean;
  signal?: AbortSignal;
}

/** Progress: a bar redrawn in place on a terminal; otherwise a plain line at each tenth, and one per failed line. */
function progressReporter(io: Io, args: BatchArgs, total: number) {
  const width = 30;
  let lastTenth = -1;
  let drawn = false;
  return {
    line(l: LineResult, p: BatchProgress): void {
      if (l.status !== 'succeeded') {
        if (drawn) (io.out('\r\x1b[K'), (drawn = false));
        io.err(`line ${l.line_number} ${l.status}: ${l.error?.code}: ${l.error?.message}\n`);
      }
      if (args.isTty && !args.json) {
        const filled = Math.round((p.done / Math.max(1, total)) * width);
        io.out(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${total}  ok ${p.succeeded}  failed ${p.failed}`);
        drawn = true;
      } else if (!args.isTty) {
        const tenth = Math.floor((p.done * 10) / Math.max(1, total));
        if (tenth !== lastTenth) (lastTenth = tenth), io.err(`progress: ${p.done}/${total} lines (${p.succeeded} succeeded, ${p.failed} failed)\n`);
      }
    },
    end(): void {
      if (drawn) io.out('\r\x1b[K');
    },
  };
}

/** Exit 0 every line succeeded (and the aggregation), 1 some did not, 2 the batch could not start. */
export async function batchCommand(args: BatchArgs, registry: NodeRegistry, io: Io): Promise<number> {
  const { plan, lib } = await loadPlan(args.flow, registry, io);
  const lines = await readDataFile(args.data);
  const mapping = parseMappingArgs(args.columnMapping);
  const earlier = args.run ? await readEarlierFile(args.run, args.dataDir) : undefined;
  checkBatch(plan, mapping, earlier !== undefined);
  const lineDeadlineMs = args.timeout ? durationMs(args.timeout) : undefined;
  if (args.timeout && !lineDeadlineMs) throw new WeirError('invalid_argument', `--timeout ${args.timeout}: expected a duration like 30s or 500ms`);
  // Resuming: the lines an earlier try of this batch finished are in its output file.
  const done = args.output && existsSync(args.output) ? await readOutputFile(args.output) : undefined;
  const out = args.output ? new OutputFile(args.output) : undefined;
  await out?.opened();
  const resumed = [...(done?.values() ?? [])].filter((l) => l.status === 'succeeded' && l.line_number < lines.length).length;
  if (resumed && !args.json) io.err(`resuming: ${resumed} of ${lines.length} lines already succeeded in ${relative(args.output!)}\n`);
  const progress = progressReporter(io, args, lines.length);
  const r = await runBatch({
    plan, lines, columnMapping: mapping, earlier, done, lineDeadlineMs,
    concurrency: args.concurrency,
    host: withSubflows({}, lib.plan),
    signal: args.signal,
    onLine: (l, p) => {
      out?.append(l);
      progress.line(l, p);
    },
  });
  progress.end();
  await out?.finish(r.lines);
  const s = r.summary;
  if (args.json) {
    io.out(JSON.stringify({ status: r.status, summary: s, metrics: r.metrics, ...(r.error ? { error: r.error } : {}), output: args.output ?? null, ...(out ? {} : { lines: r.lines }) }, null, 2) + '\n');
  } else {
    if (!out) for (const l of r.lines) io.out(lineJson(l) + '\n');
    const say = out ? io.out : io.err;
    const rate = s.duration_ms > 0 ? ` (${((s.total - resumed) / (s.duration_ms / 1000)).toFixed(1)} lines/s)` : '';
    say(`batch ${r.status}: ${s.total} lines, ${s.succeeded} succeeded, ${s.failed} failed${s.cancelled ? `, ${s.cancelled} cancelled` : ''} in ${(s.duration_ms / 1000).toFixed(2)} s${rate}\n`);
    if (plan.aggregation) say(`metrics: ${formatMetrics(r.metrics)}\n`);
    if (r.error) io.err(`aggregation failed: ${r.error.code}: ${r.error.message}\n`);
    if (out) say(`output: ${relative(out.file)}\n`);
  }
  return r.status === 'completed' && s.succeeded === s.total ? 0 : 1;
}
