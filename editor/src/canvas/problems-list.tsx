import { useReactFlow } from '@xyflow/react';
import type { Problem } from '../api/types.ts';
import { useEditor } from './store.ts';

/** Warnings (an unused node, a deployment not there yet) do not stop a run; errors do. */
const isWarning = (p: Problem) => (p as Problem & { severity?: string }).severity === 'warning';

const where = (p: Problem) => [p.node, p.path?.length ? p.path.join('.') : undefined, p.line ? `line ${p.line}` : undefined].filter(Boolean).join(' · ');

/** The server validator's problems for the draft; clicking one selects and shows its node. */
export function ProblemsList() {
  const problems = useEditor((s) => s.problems);
  const flow = useReactFlow();
  if (!problems.length) return <p className="muted pad">No problems: the flow is valid.</p>;
  const show = (p: Problem) => {
    if (!p.node) return;
    useEditor.getState().select([p.node]);
    void flow.fitView({ nodes: [{ id: p.node }], duration: 250, maxZoom: 1.2 });
  };
  return (
    <ul className="problems" aria-label="Problems">
      {problems.map((p, i) => (
        <li key={i}>
          <button className="problem" onClick={() => show(p)} disabled={!p.node}>
            <span className={isWarning(p) ? 'tag warn' : 'tag bad'} title={isWarning(p) ? 'warning: the flow still runs' : 'error'}>{isWarning(p) ? 'warning' : 'error'}: {p.code}</span>
            <span className="problem-msg">{p.message}</span>
            <span className="muted">{where(p)}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
