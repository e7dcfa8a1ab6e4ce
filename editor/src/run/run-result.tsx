import { useEditor } from '../canvas/store.ts';
import { StatusTag } from '../components/ui.tsx';
import type { NodeRun, RunView } from '../flow/run-state.ts';
import { formatMs, formatUsage, shortId } from './format.ts';
import { closeRun } from './run-actions.ts';
import { useRunStore } from './run-store.ts';
import { extraStreams } from './stream-view.ts';
import { Section, ValueView } from './value-view.tsx';

type RunError = { code: string; message: string; node?: string };

function progress(nodes: Record<string, NodeRun>): string {
  const all = Object.values(nodes);
  const done = all.filter((n) => n.status !== 'queued' && n.status !== 'running').length;
  const running = all.filter((n) => n.status === 'running').length;
  return `${done} of ${all.length} nodes done${running ? `, ${running} running` : ''}`;
}

function ErrorBox({ error }: { error: RunError }) {
  return (
    <div className="run-error" role="alert">
      <code>{error.code}</code>
      {error.node && <span> in node <code>{error.node}</code></span>}
      <div>{error.message}</div>
    </div>
  );
}

/** Text streamed by nodes while the run goes (but not what an output stream already shows). */
function Streams({ run }: { run: RunView }) {
  const outputs = useEditor((s) => s.doc.outputs);
  return (
    <>
      {extraStreams(run, outputs).map(([name, text]) => (
        <Section key={name} title={`node ${name} (streaming)`}>
          <ValueView value={text} live={run.nodes[name]?.status === 'running'} />
        </Section>
      ))}
    </>
  );
}

/** The run shown on the canvas: status, live streams, outputs, duration, tokens and error. */
export function RunResult() {
  const run = useEditor((s) => s.run);
  const flow = useEditor((s) => s.name);
  const startError = useRunStore((s) => (s.startError?.flow === flow ? s.startError : undefined));
  const streaming = useRunStore((s) => s.streaming);
  const opened = useRunStore((s) => s.opened);
  const detailError = useRunStore((s) => s.detailError);

  if (startError) {
    return (
      <div className="run-result">
        <div className="row"><StatusTag status="failed" /><span className="muted">the run did not start</span></div>
        <ErrorBox error={startError} />
      </div>
    );
  }
  if (!run) return <div className="run-result muted run-empty">Fill in the inputs and press Run (<kbd>Ctrl</kbd>+<kbd>Enter</kbd>). Node states show on the canvas as the run goes.</div>;

  const going = run.status === 'running' || run.status === 'starting';
  const outputs = Object.entries(run.outputs);
  const usage = formatUsage(run.usage);
  const error = run.error as RunError | undefined;
  return (
    <div className="run-result" aria-live="polite">
      <div className="row wrap run-result-head">
        <StatusTag status={run.status} />
        {going ? <span className="muted">{progress(run.nodes)}</span> : <span>{formatMs(run.ms)}</span>}
        {usage && <span className="muted">{usage}</span>}
        {opened && <span className="tag accent">from history</span>}
        <span className="spacer" />
        {run.id && <code className="muted" title={run.id}>{shortId(run.id)}</code>}
        {!going && !streaming && <button className="small ghost" onClick={closeRun} title="Clear the run from the canvas">Clear</button>}
      </div>
      {error && <ErrorBox error={error} />}
      {detailError && !going && <p className="muted">The run's trace could not be loaded ({detailError}): node details stay empty.</p>}
      {going && <Streams run={run} />}
      {outputs.map(([k, v]) => (
        <Section key={k} title={k}>
          <ValueView value={v} label={`output ${k}`} live={going} />
        </Section>
      ))}
      {!going && !outputs.length && !error && <p className="muted">The run produced no outputs.</p>}
    </div>
  );
}
