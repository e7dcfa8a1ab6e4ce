import { useEditor } from '../canvas/store.ts';
import { StatusTag } from '../components/ui.tsx';
import '../styles/run.css';
import { formatMs, formatUsage } from './format.ts';
import { useRunStore } from './run-store.ts';
import { NodeLogs } from './node-logs.tsx';
import { durationOf, findTrace, logsOf } from './trace-view.ts';
import { Section, ValueView } from './value-view.tsx';

type ErrorInfo = { code: string; message: string; cause?: ErrorInfo };

function ErrorView({ error, title }: { error: ErrorInfo; title: string }) {
  return (
    <Section title={title}>
      <div className="run-error">
        <code>{error.code}</code>
        <div>{error.message}</div>
        {error.cause && <div className="muted">caused by <code>{error.cause.code}</code>: {error.cause.message}</div>}
      </div>
    </Section>
  );
}

/**
 * What one node did in the run shown on the canvas (the live one, or one re-opened from the
 * history): status, attempts, timing, inputs, output or the text streamed so far, tokens, error,
 * and the lines it logged.
 */
export function NodeRunDetail({ name }: { name: string }) {
  const node = useEditor((s) => s.run?.nodes[name]);
  const runId = useEditor((s) => s.run?.id);
  const runStatus = useEditor((s) => s.run?.status);
  // The trace belongs to the run shown only when the ids agree (a new run clears the colours first).
  const trace = useRunStore((s) => (s.detail && s.detail.id === runId ? findTrace(s.detail, name) : undefined));
  const loading = useRunStore((s) => s.loadingDetail);

  if (!runStatus) return <p className="muted node-run-empty">Run the flow to see this node's inputs and output.</p>;
  if (!node && !trace) return <p className="muted node-run-empty">This node was not part of the run shown.</p>;

  const going = runStatus === 'running' || runStatus === 'starting';
  const status = node?.status ?? trace!.status;
  const attempts = trace?.attempts ?? node?.attempt ?? 0;
  const ms = trace ? durationOf(trace) : node?.ms;
  const error = (node?.error ?? trace?.error ?? undefined) as ErrorInfo | undefined;
  const reason = node?.reason ?? trace?.skip_reason;
  const usage = formatUsage(trace?.usage);
  const hasOutput = trace && trace.output !== undefined && trace.output !== null;
  const logs = logsOf(trace);

  return (
    <div className="node-run-detail">
      <div className="row wrap">
        <StatusTag status={status} />
        {attempts > 1 && <span className="tag warn">{attempts} attempts</span>}
        {ms !== undefined && <span>{formatMs(ms)}</span>}
        {usage && <span className="muted">{usage}</span>}
      </div>
      {trace && trace.start_ms != null && (
        <dl className="run-facts">
          <dt>started</dt>
          <dd>+{formatMs(trace.start_ms)}</dd>
          {trace.end_ms != null && (<><dt>ended</dt><dd>+{formatMs(trace.end_ms)}</dd></>)}
          {trace.items !== undefined && (<><dt>items</dt><dd>{trace.items}</dd></>)}
        </dl>
      )}
      {reason && <p className="run-skip">Skipped: {reason}</p>}
      {error && <ErrorView title={status === 'running' ? 'An attempt failed: retrying' : 'Error'} error={error} />}
      {trace?.inputs !== undefined && trace.inputs !== null && (
        <Section title="Inputs"><ValueView value={trace.inputs} label={`${name} inputs`} /></Section>
      )}
      {hasOutput ? (
        <Section title="Output"><ValueView value={trace.output} label={`${name} output`} /></Section>
      ) : node?.streamed ? (
        <Section title={status === 'running' ? 'Output (streaming)' : 'Output (streamed)'}>
          <ValueView value={node.streamed} live={status === 'running'} />
        </Section>
      ) : null}
      {logs.length > 0 && <NodeLogs name={name} logs={logs} />}
      {!trace && (going || loading) && status !== 'queued' && <p className="muted">Inputs and output show once the run ends.</p>}
      {!trace && going && status === 'queued' && <p className="muted">Waiting for the nodes it depends on.</p>}
    </div>
  );
}
