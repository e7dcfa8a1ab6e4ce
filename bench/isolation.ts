/**
 * Isolation benchmark (issue #12): does one caller's heavy or hostile work stall everyone else?
 * `weir serve` as users start it, the example `hello` flow published and deployed, loaded with
 * autocannon at 4 connections: alone, then while each of these runs in the same server:
 *   (a) ingestion of a ~400 KB generated corpus (one job, the default embedder),
 *   (b) chat-with-data questions on the default extractive model, 4 callers back to back,
 *   (c) runaway flows: a template that loops far past its budget, a JSONata expression with a
 *       catastrophic regex (linear on RE2) and one that loops for seconds, each with a 2 s
 *       timeout, 2 callers back to back.
 * Target per case: p99 ≤ max(50 ms, 3× alone) and req/s ≥ 50 % of alone. Prints JSON lines.
 * BENCH_SECONDS (default 10) sets each measurement; BENCH_CORPUS_KB (400) the ingestion size.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { generateCorpus } from './lib/corpus.ts';
import { adminClient, machine, ROOT, rssMb, startChild } from './lib/weir-process.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CORPUS_KB = Number(process.env.BENCH_CORPUS_KB ?? 400);
const ADMIN = 'bench-admin-token';

const RUNAWAY = `weir: 1
name: runaway
inputs: { s: { type: string, default: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" } }
outputs: { text: \${loop.output}, matched: \${regex.output}, sum: \${sum.output} }
nodes:
  - name: loop
    type: prompt
    timeout: 2s
    inputs: { s: \${inputs.s} }
    config:
      template: "{% for i in range(0, 90000) %}{% for j in range(0, 90000) %}{% endfor %}{% endfor %}"
  - name: regex
    type: transform
    inputs: { s: \${inputs.s} }
    config: { expression: "$match(s, /(a+)+$/)", timeout_ms: 2000 }
  - name: sum
    type: transform
    inputs: { s: \${inputs.s} }
    config: { expression: "$sum([1..9999999].($ * 2)) + $sum([1..9999999].($ * 3))", timeout_ms: 2000 }
`;

interface Load {
  req_per_s: number;
  p99_ms: number;
  p50_ms: number;
  errors: number;
  /** Of `errors`: answers that were not 2xx (the rest are socket errors and timeouts). */
  non2xx: number;
}

async function load(url: string, headers: Record<string, string>): Promise<Load> {
  const r = await autocannon({ url, method: 'POST', connections: 4, duration: SECONDS, headers: { 'content-type': 'application/json', ...headers }, body: '{"name":"bench"}' });
  return { req_per_s: Math.round(r.requests.average), p50_ms: r.latency.p50, p99_ms: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts, non2xx: r.non2xx };
}

/** Runs `work` over and over until `until` settles; returns how many times it finished. */
async function repeat(work: () => Promise<unknown>, until: Promise<unknown>, callers: number): Promise<{ done: number; failed: string[] }> {
  let stop = false;
  void until.finally(() => (stop = true));
  const failed: string[] = [];
  let done = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (!stop) {
        try {
          await work();
          done++;
        } catch (err) {
          failed.push((err as Error).message.slice(0, 200));
        }
      }
    }),
  );
  return { done, failed: failed.slice(0, 3) };
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'weir-bench-iso-'));
const weir = await startChild(['bin/weir.js', 'serve', '--port', '0', '--data-dir', dataDir], { WEIR_ADMIN_TOKEN: ADMIN });
const admin = adminClient(weir.url, ADMIN);

async function keyFor(name: string): Promise<Record<string, string>> {
  const { key } = (await admin('POST', `/api/deployments/${name}/keys`, {})) as { key: string };
  return { authorization: `Bearer ${key}` };
}

function report(name: string, alone: Load, during: Load, extra: Record<string, unknown>): void {
  const p99Target = Math.max(50, 3 * alone.p99_ms);
  const rpsTarget = alone.req_per_s * 0.5;
  const meets = during.p99_ms <= p99Target && during.req_per_s >= rpsTarget;
  console.log(JSON.stringify({ case: name, ...during, p99_target_ms: p99Target, rps_vs_alone: +(during.req_per_s / alone.req_per_s).toFixed(3), meets_target: meets, ...extra, rss_mb: rssMb(weir.pid), seconds: SECONDS, machine }));
}

try {
  await admin('POST', '/api/flows/hello/publish', { message: 'bench' });
  await admin('POST', '/api/deployments', { name: 'hello', flow: 'hello', trace_sample_rate: 0.01 });
  const hello = `${weir.url}/deployments/hello/score`;
  const helloAuth = await keyFor('hello');

  // A chat-with-data deployment over the shipped corpus, and the runaway flow, set up before any
  // measurement so their setup is not counted.
  const corpusDir = path.join(ROOT, 'test/fixtures/corpus');
  const docs = readdirSync(corpusDir).filter((f) => /\.(md|txt)$/.test(f)).map((f) => ({ name: f, content: readFileSync(path.join(corpusDir, f), 'utf8') }));
  await admin('POST', '/api/indexes', { name: 'handbook' });
  await admin('POST', '/api/indexes/handbook/documents?wait=true', { documents: docs });
  await admin('POST', '/api/indexes/handbook/chat-flow', {});
  await admin('POST', '/api/flows/chat-handbook/publish', {});
  await admin('POST', '/api/deployments', { name: 'handbook', flow: 'chat-handbook' });
  const chatAuth = await keyFor('handbook');
  const questions = ['How many vacation days does a full-time employee get per year?', 'How do I keep a sourdough starter alive?', 'When is the library open?', 'What do honeybees eat in winter?'];
  let q = 0;
  const ask = async () => {
    const res = await fetch(`${weir.url}/deployments/handbook/score`, { method: 'POST', headers: { ...chatAuth, 'content-type': 'application/json' }, body: JSON.stringify({ question: questions[q++ % questions.length] }) });
    if (res.status !== 200) throw new Error(`chat ${res.status}: ${await res.text()}`);
  };
  await ask();

  await admin('POST', '/api/flows', RUNAWAY);
  await admin('POST', '/api/flows/runaway/publish', {});
  await admin('POST', '/api/deployments', { name: 'runaway', flow: 'runaway' });
  const runawayAuth = await keyFor('runaway');
  const runaway = async () => {
    const res = await fetch(`${weir.url}/deployments/runaway/score`, { method: 'POST', headers: { ...runawayAuth, 'content-type': 'application/json' }, body: '{}' });
    const body = (await res.json()) as { error?: { code?: string } };
    // Refused with a timeout (or a budget error) is the expected outcome; success is not.
    if (res.status === 200) throw new Error('the runaway flow succeeded');
    return body.error?.code;
  };
  const codes = new Set<string | undefined>();
  codes.add(await runaway());

  await load(hello, helloAuth); // warm-up
  const alone = await load(hello, helloAuth);
  console.log(JSON.stringify({ case: 'alone', ...alone, rss_mb: rssMb(weir.pid), seconds: SECONDS, machine }));

  // (a) ingestion: the job is started, then the load runs while it is in progress.
  const files = generateCorpus(Math.max(4, Math.round(CORPUS_KB / 10)), CORPUS_KB * 1024).map((f) => ({ name: f.name, content: new TextDecoder().decode(f.bytes) }));
  await admin('POST', '/api/indexes', { name: 'bulk' });
  const t0 = performance.now();
  const job = admin('POST', '/api/indexes/bulk/documents?wait=true', { documents: files }) as Promise<{ chunks?: number; status?: string }>;
  const duringIngest = await load(hello, helloAuth);
  const finished = await job;
  const ingestSeconds = (performance.now() - t0) / 1000;
  report('ingestion', alone, duringIngest, { corpus_kb: CORPUS_KB, job_status: finished.status, job_seconds: +ingestSeconds.toFixed(1), job_outlasted_load: ingestSeconds >= SECONDS });

  // (b) chat-with-data on the extractive model, 4 callers back to back.
  const chatLoad = load(hello, helloAuth);
  const chat = await repeat(ask, chatLoad, 4);
  report('extractive-chat', alone, await chatLoad, { questions_answered: chat.done, failures: chat.failed });

  // (c) runaway template and regex, 2 callers back to back.
  const runawayLoad = load(hello, helloAuth);
  const ran = await repeat(async () => codes.add(await runaway()), runawayLoad, 2);
  report('runaway-flow', alone, await runawayLoad, { runaway_runs_refused: ran.done, error_codes: [...codes], failures: ran.failed });
} finally {
  await weir.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
