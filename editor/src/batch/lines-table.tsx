import { StatusTag } from '../components/ui.tsx';
import type { BatchLine, BatchRun } from './batch-api.ts';
import { duration, fields, runLabel } from './format.ts';

export interface Evaluation {
  run: BatchRun;
  byLine: Map<number, BatchLine>;
}

function Outcome({ line }: { line: BatchLine | undefined }) {
  if (!line) return <td className="muted">—</td>;
  if (line.error) return <td className="error-text batch-cell">{line.error.message}</td>;
  return <td className="batch-cell">{line.status === 'pending' ? <span className="muted">pending</span> : fields(line.outputs)}</td>;
}

/** A run's lines in order: inputs, outputs or error, and each evaluation run's results beside them. */
export function LinesTable({ lines, evaluations }: { lines: BatchLine[]; evaluations: Evaluation[] }) {
  return (
    <table className="list compact batch-lines" aria-label="Lines">
      <thead>
        <tr>
          <th className="num">Line</th>
          <th>Status</th>
          <th>Inputs</th>
          <th>Outputs</th>
          {evaluations.map((e) => (
            <th key={e.run.id} title={e.run.id}>
              Evaluation: {runLabel(e.run)}
            </th>
          ))}
          <th className="num">Time</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((l) => (
          <tr key={l.line_number} data-testid={`line-${l.line_number}`}>
            <td className="num">{l.line_number}</td>
            <td>
              <StatusTag status={l.status} />
            </td>
            <td className="batch-cell">{fields(l.inputs ?? l.data)}</td>
            <Outcome line={l} />
            {evaluations.map((e) => (
              <Outcome key={e.run.id} line={e.byLine.get(l.line_number)} />
            ))}
            <td className="num">{duration(l.duration_ms)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
