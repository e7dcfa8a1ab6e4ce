import { useEffect, useState } from 'react';
import { onUnauthorized } from '../api/client.ts';
import { getToken } from '../api/token.ts';
import { Toasts } from '../components/toast.tsx';
import { Nav } from './nav.tsx';
import { Page } from './pages.tsx';
import { SignIn } from './sign-in.tsx';
import { useRoute, type Route } from './router.ts';

const PAGE_NAMES: Record<string, string> = {
  flows: 'Flows', data: 'Data', 'batch-runs': 'Batch runs', deployments: 'Deployments', models: 'Models', playground: 'Playground',
  connections: 'Connections', quotas: 'Quotas', safety: 'Safety', usage: 'Usage', monitoring: 'Monitoring',
};

/** The tab's title names the page (and the thing open on it), so tabs and history can be told apart. */
export function pageTitle(route: Route): string {
  const page = PAGE_NAMES[route.page] ?? 'Not found';
  return [route.rest[0], page, 'Weir studio'].filter(Boolean).join(' · ');
}

export function App() {
  const [signedIn, setSignedIn] = useState(() => !!getToken());
  const [refused, setRefused] = useState(false);
  const route = useRoute();
  useEffect(
    () =>
      onUnauthorized(() => {
        setRefused(true);
        setSignedIn(false);
      }),
    [],
  );
  const title = pageTitle(route);
  useEffect(() => {
    if (signedIn) document.title = title;
  }, [signedIn, title]);
  if (!signedIn) return <SignIn refused={refused} onDone={() => setSignedIn(true)} />;
  return (
    <div className="app">
      {/* Keyboard users skip the navigation; a button, since a #fragment link would change the route. */}
      <button type="button" className="skip-link" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <Nav page={route.page} />
      <main className="page" id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
      <Toasts />
    </div>
  );
}
