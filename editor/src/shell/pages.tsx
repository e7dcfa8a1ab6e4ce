import { useEffect, useState, type ComponentType } from 'react';
import type { Route } from './router.ts';

/**
 * Each page is its own chunk, loaded once and then rendered synchronously. Not React.lazy: React 19
 * holds back a Suspense reveal for up to 300 ms once a fallback showed, which made opening a flow
 * wait on nothing. All pages are fetched in the background after the first one shows.
 */
function page<P>(load: () => Promise<ComponentType<P>>) {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<ComponentType<P>> | undefined;
  return {
    get: () => (pending ??= load().then((c) => (loaded = c))),
    current: () => loaded,
  };
}

const PAGES = {
  flows: page(() => import('../flows/flows-page.tsx').then((m) => m.FlowsPage)),
  editor: page(() => import('../canvas/editor-page.tsx').then((m) => m.EditorPage)),
  deployments: page(() => import('../deployments/deployments-page.tsx').then((m) => m.DeploymentsPage)),
  models: page(() => import('../models/models-page.tsx').then((m) => m.ModelsPage)),
  playground: page(() => import('../models/playground-page.tsx').then((m) => m.PlaygroundPage)),
  data: page(() => import('../data/data-page.tsx').then((m) => m.DataPage)),
  quotas: page(() => import('../quotas/quotas-page.tsx').then((m) => m.QuotasPage)),
  safety: page(() => import('../safety/safety-page.tsx').then((m) => m.SafetyPage)),
  usage: page(() => import('../usage/usage-page.tsx').then((m) => m.UsagePage)),
  batch: page(() => import('../batch/batch-page.tsx').then((m) => m.BatchPage)),
  connections: page(() => import('../connections/connections-page.tsx').then((m) => m.ConnectionsPage)),
  monitoring: page(() => import('../monitoring/monitoring-page.tsx').then((m) => m.MonitoringPage)),
};

function usePage<P>(p: { get: () => Promise<ComponentType<P>>; current: () => ComponentType<P> | undefined }): ComponentType<P> | undefined {
  const [, loaded] = useState(0);
  const Comp = p.current();
  useEffect(() => {
    if (!Comp) void p.get().then(() => loaded((n) => n + 1));
  }, [Comp, p]);
  return Comp;
}

function Show<P extends object>({ of, props }: { of: ReturnType<typeof page<P>>; props: P }) {
  const Comp = usePage(of);
  return Comp ? <Comp {...props} /> : <div className="loading">Loading…</div>;
}

export function Page({ route }: { route: Route }) {
  useEffect(() => {
    const t = setTimeout(() => Object.values(PAGES).forEach((p) => void p.get().catch(() => undefined)), 300);
    return () => clearTimeout(t);
  }, []);
  switch (route.page) {
    case 'flows':
      return route.rest[0] ? <Show key={route.rest[0]} of={PAGES.editor} props={{ name: route.rest[0] }} /> : <Show of={PAGES.flows} props={{}} />;
    case 'deployments':
      return <Show of={PAGES.deployments} props={{ name: route.rest[0] }} />;
    case 'models':
      return <Show of={PAGES.models} props={{ id: route.rest[0] }} />;
    case 'playground':
      return <Show of={PAGES.playground} props={{ deployment: route.rest[0] }} />;
    case 'data':
      return <Show of={PAGES.data} props={{ index: route.rest[0] }} />;
    case 'quotas':
      return <Show of={PAGES.quotas} props={{ model: route.rest[0] }} />;
    case 'safety':
      return <Show of={PAGES.safety} props={{}} />;
    case 'usage':
      // Keyed: a link to another deployment's usage starts the page over, filtered to it.
      return <Show key={route.rest[0] ?? ''} of={PAGES.usage} props={{ deployment: route.rest[0] }} />;
    case 'batch-runs':
      return <Show key={route.rest.join('/')} of={PAGES.batch} props={{ rest: route.rest }} />;
    case 'connections':
      return <Show of={PAGES.connections} props={{}} />;
    case 'monitoring':
      return <Show key={route.rest[0] ?? ''} of={PAGES.monitoring} props={{ deployment: route.rest[0] }} />;
    default:
      return (
        <div className="empty-page">
          <h2>Nothing here</h2>
          <p>
            There is no page <code>{route.page}</code>. <a href="#/flows">Back to flows</a>
          </p>
        </div>
      );
  }
}
