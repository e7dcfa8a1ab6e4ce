import { lazy, Suspense } from 'react';
import type { Route } from './router.ts';

// Each page loads its own code: opening a flow does not wait for the model or data pages.
const FlowsPage = lazy(() => import('../flows/flows-page.tsx').then((m) => ({ default: m.FlowsPage })));
const EditorPage = lazy(() => import('../canvas/editor-page.tsx').then((m) => ({ default: m.EditorPage })));
const DeploymentsPage = lazy(() => import('../deployments/deployments-page.tsx').then((m) => ({ default: m.DeploymentsPage })));
const ModelsPage = lazy(() => import('../models/models-page.tsx').then((m) => ({ default: m.ModelsPage })));
const PlaygroundPage = lazy(() => import('../models/playground-page.tsx').then((m) => ({ default: m.PlaygroundPage })));
const DataPage = lazy(() => import('../data/data-page.tsx').then((m) => ({ default: m.DataPage })));

function Inner({ route }: { route: Route }) {
  switch (route.page) {
    case 'flows':
      return route.rest[0] ? <EditorPage key={route.rest[0]} name={route.rest[0]} /> : <FlowsPage />;
    case 'deployments':
      return <DeploymentsPage name={route.rest[0]} />;
    case 'models':
      return <ModelsPage id={route.rest[0]} />;
    case 'playground':
      return <PlaygroundPage deployment={route.rest[0]} />;
    case 'data':
      return <DataPage index={route.rest[0]} />;
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

export function Page({ route }: { route: Route }) {
  return (
    <Suspense fallback={<div className="loading">Loading…</div>}>
      <Inner route={route} />
    </Suspense>
  );
}
