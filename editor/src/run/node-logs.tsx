import { formatMs } from './format.ts';
import type { TraceLog } from './trace-view.ts';
import { Section, ValueView } from './value-view.tsx';

// The level is written out as well as coloured: colour alone would not tell a warning from an error.
const LEVEL_TAG: Record<TraceLog['level'], string> = { debug: '', info: 'accent', warn: 'warn', error: 'bad' };

/**
 * What a node logged during the run (an llm node's tool rounds, a Python tool's prints), in order:
 * level, time since the run started, message, and the line's data folded away until asked for.
 */
export function NodeLogs({ name, logs }: { name: string; logs: TraceLog[] }) {
  const kept = logs.filter((l) => !l.dropped).length;
  return (
    <Section title={`Log (${kept} ${kept === 1 ? 'line' : 'lines'})`}>
      <ol className="run-logs" aria-label={`${name} log`}>
        {logs.map((l, i) => (
          <li key={i} className={`run-log ${l.level}`}>
            <div className="run-log-head">
              <span className={`tag ${LEVEL_TAG[l.level]}`}>{l.level}</span>
              <span className="muted">+{formatMs(l.at_ms)}</span>
              {l.attempt !== undefined && <span className="muted">attempt {l.attempt}</span>}
            </div>
            <div className="run-log-message">{l.message}</div>
            {l.data !== undefined && (
              <details className="run-log-data">
                <summary>data</summary>
                <ValueView value={l.data} label={`${name} log line ${i + 1} data`} />
              </details>
            )}
          </li>
        ))}
      </ol>
    </Section>
  );
}
