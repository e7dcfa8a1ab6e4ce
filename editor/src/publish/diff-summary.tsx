import type { FlowDiffResult, KeyChanges } from './publish-api.ts';
import { shortValue } from './publish-api.ts';
import { isEmptyDiff } from './diff-view.ts';

export interface DiffSummaryProps {
  diff: FlowDiffResult;
  /** Selects a node on the canvas (names of nodes shown in the diff view). */
  onPick?: (node: string) => void;
}

/** The diff in words: which nodes came, went or changed (and how), and the flow's inputs and outputs. */
export function DiffSummary({ diff, onPick }: DiffSummaryProps) {
  if (isEmptyDiff(diff)) return <p className="muted diff-none">No differences: both sides have the same nodes, inputs and outputs.</p>;
  const nodeName = (n: string) =>
    onPick ? (
      <button type="button" className="link mono" title="Select on the canvas" onClick={() => onPick(n)}>
        {n}
      </button>
    ) : (
      <code>{n}</code>
    );
  const { added, removed, changed } = diff.nodes;
  return (
    <div className="diff-summary">
      {added.length + removed.length + changed.length > 0 && <h4>Nodes</h4>}
      <ul className="diff-list">
        {added.map((n) => (
          <li key={`a:${n}`} className="diff-added">
            <span className="diff-sign" aria-label="added">+</span>
            {nodeName(n)}
          </li>
        ))}
        {removed.map((n) => (
          <li key={`r:${n}`} className="diff-removed">
            <span className="diff-sign" aria-label="removed">−</span>
            {nodeName(n)}
          </li>
        ))}
        {changed.map((c) => (
          <li key={`c:${c.name}`} className="diff-changed">
            <span className="diff-sign" aria-label="changed">~</span>
            {nodeName(c.name)}
            <table className="diff-fields">
              <tbody>
                {c.fields.map((f) => (
                  <tr key={f.field}>
                    <th scope="row">{f.field}</th>
                    <td className="diff-from" title={JSON.stringify(f.from ?? null)}>{shortValue(f.from)}</td>
                    <td className="diff-arrow">→</td>
                    <td className="diff-to" title={JSON.stringify(f.to ?? null)}>{shortValue(f.to)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </li>
        ))}
      </ul>
      <KeyList title="Inputs" changes={diff.inputs} />
      <KeyList title="Outputs" changes={diff.outputs} />
    </div>
  );
}

function KeyList({ title, changes }: { title: string; changes: KeyChanges }) {
  const rows = [
    ...changes.added.map((k) => ['added', '+', k] as const),
    ...changes.removed.map((k) => ['removed', '−', k] as const),
    ...changes.changed.map((k) => ['changed', '~', k] as const),
  ];
  if (!rows.length) return null;
  return (
    <>
      <h4>{title}</h4>
      <ul className="diff-list">
        {rows.map(([kind, sign, k]) => (
          <li key={`${kind}:${k}`} className={`diff-${kind}`}>
            <span className="diff-sign" aria-label={kind}>{sign}</span>
            <code>{k}</code>
          </li>
        ))}
      </ul>
    </>
  );
}
