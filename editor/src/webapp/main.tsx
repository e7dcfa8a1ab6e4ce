import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../styles/base.css';
import { appNameFromPath } from './app-api.ts';
import { AppPage } from './app-page.tsx';
import './webapp.css';

const name = appNameFromPath(location.pathname);
const embed = new URLSearchParams(location.search).get('embed') === '1';
// In the script-tag embed, Escape inside the app closes its panel on the host page (another origin):
// unless Escape is closing something of the app's own first.
if (embed && window.parent !== window) {
  window.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || document.querySelector('.app-side.open, .chat-citations, .chat-feedback-form')) return;
    window.parent.postMessage({ type: 'weir-embed-close' }, '*');
  });
}
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {name ? <AppPage name={name} embed={embed} /> : <main className="app-gone"><h1>This app is not available</h1><p>The address names no app.</p></main>}
  </StrictMode>,
);
