import { href } from '../shell/router.ts';
import type { ImportAnswer, ImportItem, ItemStatus } from './import-api.ts';

const STATUS: Record<ItemStatus, { label: string; tag: string }> = {
  converted: { label: 'converted', tag: 'ok' },
  changed: { label: 'changed', tag: 'accent' },
  attention: { label: 'needs attention', tag: 'warn' },
  not_converted: { label: 'not converted', tag: 'bad' },
};
const ORDER: ItemStatus[] = ['not_converted', 'attention', 'changed', 'converted'];

const where = (i: ImportItem) => (i.source ? `${i.source.file}${i.source.line ? `:${i.source.line}` : ''}` : undefined);

function Item({ item }: { item: ImportItem }) {
  const at = where(item);
  return (
    <li className="import-item" data-testid="import-item" data-status={item.status}>
      <div className="import-item-head">
        <span className={`tag ${STATUS[item.status].tag}`}>{STATUS[item.status].label}</span>
        <span className="import-what">{item.what}</span>
        {at && <code className="import-where">{at}</code>}
      </div>
      {item.target && <div className="import-line"><span className="import-key">Now</span> {item.target}</div>}
      {item.why && <div className="import-line"><span className="import-key">Why</span> {item.why}</div>}
      {item.todo && <div className="import-line"><span className="import-key">To do</span> {item.todo}</div>}
    </li>
  );
}

/** What an import made, and what of the prompt flow needs a person: each with its file:line, why and what to do. */
export function ImportReport({ answer }: { answer: ImportAnswer }) {
  const items = answer.report.items;
  const counts = ORDER.map((s) => ({ s, n: items.filter((i) => i.status === s).length })).filter((c) => c.n > 0);
  const needs = items.filter((i) => i.status === 'attention' || i.status === 'not_converted');
  const rest = items.filter((i) => i.status === 'converted' || i.status === 'changed');
  const headline =
    answer.outcome === 'failed' ? 'The flow could not be imported.'
    : answer.dry_run ? 'Checked: nothing is saved yet.'
    : answer.outcome === 'attention' ? 'Imported. Some parts need your attention before the flow runs as it did.'
    : 'Imported: everything converted.';
  return (
    <section className="import-report" aria-label="Import report">
      <p role="status" className={`import-outcome ${answer.outcome}`} data-testid="import-outcome" data-outcome={answer.outcome}>{headline}</p>
      {counts.length > 0 && (
        <ul className="import-counts" aria-label="Items by status">
          {counts.map(({ s, n }) => <li key={s} data-testid={`count-${s}`}><span className={`tag ${STATUS[s].tag}`}>{STATUS[s].label}</span> {n}</li>)}
        </ul>
      )}
      {answer.flows.length > 0 && (
        <>
          <h3>{answer.dry_run ? 'Flows it would make' : 'Flows'}</h3>
          <ul className="import-flows">
            {answer.flows.map((f) => (
              <li key={f.name}>
                {answer.dry_run ? <code>{f.name}</code> : <a href={href('flows', f.name)}>{f.name}</a>}
                {' '}<span className="muted">{f.status === 'replaced' ? (answer.dry_run ? 'would replace the existing draft' : 'replaced the existing draft') : answer.dry_run ? 'new' : 'created'}</span>
                {!f.valid && <span className="tag warn import-flow-problems">{f.problems.filter((p) => p.severity !== 'warning').length} problem(s) to fix</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      {answer.connections.length > 0 && (
        <>
          <h3>Connections</h3>
          <ul className="import-flows">
            {answer.connections.map((c) => (
              <li key={c.name}>
                <code>{c.name}</code> <span className="muted">{c.type}, {c.created ? (answer.dry_run ? 'new' : 'created') : 'already here, kept as it is'}</span>
                {c.missing.length > 0 && <div className="hint">Not filled: {c.missing.join(', ')}. Set its secrets on the <a href={href('connections')}>Connections</a> page: an import never reads <code>{'${env:…}'}</code> values from the server's environment.</div>}
              </li>
            ))}
          </ul>
        </>
      )}
      {needs.length > 0 && (
        <>
          <h3>Needs you</h3>
          <ul className="import-items">{needs.map((i, n) => <Item key={n} item={i} />)}</ul>
        </>
      )}
      {rest.length > 0 && (
        <details className="import-rest">
          <summary>Converted ({rest.length})</summary>
          <ul className="import-items">{rest.map((i, n) => <Item key={n} item={i} />)}</ul>
        </details>
      )}
      {!!answer.ignored?.length && <p className="hint">Left out: {answer.ignored.slice(0, 8).join(', ')}{answer.ignored.length > 8 ? ` and ${answer.ignored.length - 8} more` : ''}.</p>}
    </section>
  );
}
