import { setToken } from '../api/token.ts';
import { Icon } from '../components/icons.tsx';
import { href } from './router.ts';

interface Item {
  page: string;
  label: string;
  /** Pages whose issue is still open show greyed, so the navigation keeps their place. */
  soon?: boolean;
}

const BUILD: Item[] = [
  { page: 'flows', label: 'Flows' },
  { page: 'data', label: 'Data' },
  { page: 'batch-runs', label: 'Batch runs' },
];
const DEPLOY: Item[] = [
  { page: 'deployments', label: 'Deployments' },
  { page: 'models', label: 'Models' },
  { page: 'playground', label: 'Playground' },
  { page: 'connections', label: 'Connections' },
];
const OPERATE: Item[] = [
  { page: 'quotas', label: 'Quotas' },
  { page: 'safety', label: 'Safety' },
  { page: 'usage', label: 'Usage' },
  { page: 'monitoring', label: 'Monitoring' },
];

function Group({ title, items, page }: { title: string; items: Item[]; page: string }) {
  return (
    <div className="nav-group">
      <div className="nav-title">{title}</div>
      {items.map((it) =>
        it.soon ? (
          <span key={it.page} className="nav-item soon" title="Comes with the monitoring release">
            <span className="nav-icon"><Icon name={it.page} /></span>
            {it.label}
          </span>
        ) : (
          <a key={it.page} href={href(it.page)} className={`nav-item${page === it.page ? ' active' : ''}`} aria-current={page === it.page ? 'page' : undefined}>
            <span className="nav-icon"><Icon name={it.page} /></span>
            {it.label}
          </a>
        ),
      )}
    </div>
  );
}

export function Nav({ page }: { page: string }) {
  return (
    <nav className="nav" aria-label="Studio">
      <a className="brand" href={href('flows')}>
        <img src="/favicon.svg" alt="" width={22} height={22} /> Weir
      </a>
      <Group title="Build" items={BUILD} page={page} />
      <Group title="Deploy" items={DEPLOY} page={page} />
      <Group title="Operate" items={OPERATE} page={page} />
      <div className="nav-foot">
        <a href="/docs" target="_blank" rel="noreferrer" className="nav-item">
          <span className="nav-icon"><Icon name="help" /></span>API reference
        </a>
        <button
          className="nav-item link"
          onClick={() => {
            setToken(null);
            window.location.reload();
          }}
        >
          <span className="nav-icon"><Icon name="signout" /></span>Sign out
        </button>
      </div>
    </nav>
  );
}
