import { useEffect, useState } from 'react';
import { onUnauthorized } from '../api/client.ts';
import { getToken } from '../api/token.ts';
import { Toasts } from '../components/toast.tsx';
import { Nav } from './nav.tsx';
import { Page } from './pages.tsx';
import { SignIn } from './sign-in.tsx';
import { useRoute } from './router.ts';

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
  if (!signedIn) return <SignIn refused={refused} onDone={() => setSignedIn(true)} />;
  return (
    <div className="app">
      <Nav page={route.page} />
      <main className="page">
        <Page route={route} />
      </main>
      <Toasts />
    </div>
  );
}
