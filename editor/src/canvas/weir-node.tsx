import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo, useMemo } from 'react';
import { ACTIVATE_PORT, MAP_PORT, NEW_PORT, type Port } from '../flow/ports.ts';
import { configSummary } from '../flow/summary.ts';
import type { WeirNode } from './rf-graph.ts';

const STATUS_LABEL: Record<string, string> = { queued: 'queued', running: 'running', succeeded: 'done', skipped: 'skipped', failed: 'failed', cancelled: 'cancelled' };

function PortRow({ port, side }: { port: Port; side: 'in' | 'out' }) {
  return (
    <div className={`port port-${side}`} data-port={port.id}>
      <Handle type={side === 'in' ? 'target' : 'source'} position={side === 'in' ? Position.Left : Position.Right} id={port.id} className={`handle t-${port.tag}`} />
      <span className="port-name">
        {port.name}
        {port.required && <span className="req" title="required">*</span>}
      </span>
      <span className="port-type">{port.tag}</span>
    </div>
  );
}

/** One box on the canvas. Memoized: it re-renders only when its own node object changes. */
export const WeirNodeBox = memo(function WeirNodeBox({ data, selected }: NodeProps<WeirNode>) {
  const { view, run, problems, warnings, mark, doc } = data;
  const status = run?.status;
  // Worked out again only when this node's config object changes (edits replace it; moves keep it).
  const summary = useMemo(() => configSummary(view.type, doc?.config), [view.type, doc?.config]);
  const cls = ['wnode', `k-${view.kind}`, `c-${view.category}`, selected && 'selected', status && `s-${status}`, problems && 'has-problems', mark && `m-${mark}`]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={cls} data-testid={`node-${view.kind === 'node' ? view.title : view.kind}`} data-status={status} data-mark={mark}>
      {view.kind === 'node' && <Handle type="target" position={Position.Top} id={ACTIVATE_PORT} className="handle activate" title="activate when…" />}
      <div className="wnode-head">
        <span className="wnode-title">{view.title}</span>
        {view.type && <span className="wnode-type">{view.type}</span>}
        {view.streams && <span className="wnode-badge" title="streams its output">⇢</span>}
        {problems > 0 && <span className="wnode-problems" title={`${problems} problem(s)`}>{problems}</span>}
        {problems === 0 && warnings > 0 && <span className="wnode-warnings" title={`${warnings} warning(s): it still runs`}>{warnings}</span>}
      </div>
      {summary && <div className="wnode-summary" title={summary}>{summary}</div>}
      {status && (
        <div className="wnode-status">
          {STATUS_LABEL[status] ?? status}
          {run?.ms !== undefined && ` · ${run.ms < 10 ? run.ms.toFixed(1) : Math.round(run.ms)} ms`}
          {run && run.attempt > 1 && ` · attempt ${run.attempt}`}
        </div>
      )}
      {run?.streamed && <div className="wnode-stream">{run.streamed.slice(-160)}</div>}
      {view.unknownType && <div className="wnode-warn">unknown node type</div>}
      <div className="wnode-ports">
        <div className="ports-in">
          {doc?.map && (
            <div className="port port-in" data-port={MAP_PORT}>
              <Handle type="target" position={Position.Left} id={MAP_PORT} className="handle t-array" />
              <span className="port-name">map over</span>
            </div>
          )}
          {view.inputs.map((p) => <PortRow key={p.id} port={p} side="in" />)}
          {view.acceptsNew && (
            <div className="port port-in port-new" data-port={NEW_PORT}>
              <Handle type="target" position={Position.Left} id={NEW_PORT} className="handle new" />
              <span className="port-name">{view.kind === 'outputs' ? '+ output' : '+ input'}</span>
            </div>
          )}
        </div>
        <div className="ports-out">
          {view.outputs.map((p) => <PortRow key={p.id} port={p} side="out" />)}
        </div>
      </div>
    </div>
  );
});
