import type { FlowDoc } from '../api/types.ts';
import { useEditor } from '../canvas/store.ts';
import { FlowInputs } from './flow-inputs.tsx';
import { FlowOutputs } from './flow-outputs.tsx';
import { Section } from './section.tsx';

/** What the inspector shows with no node selected: the flow's own description, inputs and outputs. */
export function FlowSettings({ doc, readOnly }: { doc: FlowDoc; readOnly: boolean }) {
  const problems = useEditor((s) => s.problems);
  const own = readOnly ? [] : problems.filter((p) => !p.node);
  return (
    <>
      <header className="insp-head">
        <div className="insp-kicker">Flow</div>
        <h2 className="insp-title">{doc.name}</h2>
      </header>
      {own.length > 0 && <ProblemList problems={own} />}
      <Section title="Description">
        <textarea aria-label="Flow description" rows={3} className="insp-prose" value={doc.description ?? ''} readOnly={readOnly} placeholder="What this flow does"
          onChange={(e) => {
            const s = useEditor.getState();
            const { description: _d, ...rest } = s.doc;
            s.commit(e.target.value ? { ...rest, description: e.target.value } : rest, 'flow:description');
          }} />
      </Section>
      <Section title="Inputs">
        <FlowInputs doc={doc} readOnly={readOnly} />
      </Section>
      <Section title="Outputs">
        <FlowOutputs doc={doc} readOnly={readOnly} />
      </Section>
    </>
  );
}

export function ProblemList({ problems }: { problems: { code: string; message: string; path?: (string | number)[]; severity?: string }[] }) {
  return (
    <ul className="insp-problems" aria-label="Problems">
      {problems.map((p, i) => (
        <li key={i} className={p.severity === 'warning' ? 'warning' : undefined}>
          <span className="insp-problem-msg">{p.message}</span>
          {p.path && p.path.length > 0 && <code className="insp-problem-path">{p.path.join('.')}</code>}
        </li>
      ))}
    </ul>
  );
}
