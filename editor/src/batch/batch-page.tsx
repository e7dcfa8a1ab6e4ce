import { BatchDetail } from './batch-detail.tsx';
import { BatchList } from './batch-list.tsx';
import { CompareView } from './compare-view.tsx';
import '../styles/usage.css';
import '../styles/batch.css';

/** `#/batch-runs`, `#/batch-runs/<id>` and `#/batch-runs/compare/<a>/<b>`. */
export function BatchPage({ rest }: { rest: string[] }) {
  if (rest[0] === 'compare' && rest[1] && rest[2]) return <CompareView a={rest[1]} b={rest[2]} />;
  return rest[0] ? <BatchDetail id={rest[0]} /> : <BatchList />;
}
