import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/client.ts';
import { CopyButton } from '../components/ui.tsx';
import { notify } from '../components/toast.tsx';
import type { Deployment } from './deployments-api.ts';
import '../styles/web-app-panel.css';
import { WebAppFeedback } from './web-app-feedback.tsx';

/** A deployment's web app settings as GET /api/deployments/{name} shows them (web app contract). */
export interface WebAppSettings {
  enabled: boolean;
  title: string;
  description: string | null;
  logo: string | null;
  accent: string | null;
  auth: 'public' | 'key';
  rpm: number;
}
type WithWebApp = Deployment & { web_app?: WebAppSettings | null; app_url?: string | null };

const MAX_LOGO = 64 * 1024;
const LOGO_TYPES = ['image/png', 'image/svg+xml', 'image/jpeg', 'image/webp'];

interface Form {
  enabled: boolean;
  title: string;
  description: string;
  logo: string;
  accent: string;
  useAccent: boolean;
  auth: 'public' | 'key';
  rpm: string;
}

function formOf(d: WithWebApp): Form {
  const w = d.web_app;
  return {
    enabled: w?.enabled ?? false, title: w?.title ?? d.name, description: w?.description ?? '', logo: w?.logo ?? '',
    accent: w?.accent ?? '#2f6df6', useAccent: !!w?.accent, auth: w?.auth ?? 'public', rpm: String(w?.rpm ?? 20),
  };
}

function readLogo(file: File): Promise<string> {
  if (!LOGO_TYPES.includes(file.type)) return Promise.reject(new Error(`${file.name} is not a PNG, SVG, JPEG or WebP image`));
  if (file.size > MAX_LOGO) return Promise.reject(new Error(`${file.name} is ${Math.ceil(file.size / 1024)} KB; a logo is at most 64 KB (or give an https URL)`));
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(new Error(`${file.name} could not be read`));
    r.readAsDataURL(file);
  });
}

/** The snippets that put the app on another site: a script tag (a chat bubble) or an iframe. */
export function embedSnippets(origin: string, name: string, title: string): { script: string; iframe: string } {
  const app = `${origin}/apps/${encodeURIComponent(name)}`;
  const safeTitle = title.replace(/[&"<>]/g, (c) => ({ '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' })[c]!);
  return {
    script: `<script src="${app}/embed.js" async></script>`,
    iframe: `<iframe src="${app}?embed=1" title="${safeTitle}" style="width:400px;height:600px;border:0"></iframe>`,
  };
}

function Snippet({ code, label, copy }: { code: string; label: string; copy: string }) {
  return (
    <div className="web-app-snippet">
      <pre aria-label={label} data-testid={label === 'Script tag embed' ? 'embed-script' : 'embed-iframe'}><code>{code}</code></pre>
      <CopyButton text={code} label={copy} />
    </div>
  );
}

/**
 * The deployment's chat web app: on or off, its branding, who may use it and how often; once on,
 * the link to open it and the snippets to embed it. A deployment that is not a chat says why.
 */
export function WebAppPanel({ deployment, onSaved }: { deployment: Deployment; onSaved: (d: Deployment) => void }) {
  const d = deployment as WithWebApp;
  const [form, setForm] = useState<Form>(() => formOf(d));
  const [error, setError] = useState<{ message: string; notChat: boolean }>();
  const [logoError, setLogoError] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => setForm(formOf(d)), [d.name, d.updated_at]);
  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }));

  async function save() {
    setError(undefined);
    const rpm = Number(form.rpm);
    if (!Number.isInteger(rpm) || rpm < 1 || rpm > 100_000) return setError({ message: 'Messages a minute must be a whole number from 1 to 100000', notChat: false });
    if (!form.title.trim()) return setError({ message: 'The title may not be empty', notChat: false });
    const web_app = {
      enabled: form.enabled, title: form.title.trim(), description: form.description.trim() || null, logo: form.logo.trim() || null,
      accent: form.useAccent ? form.accent : null, auth: form.auth, rpm,
    };
    setBusy(true);
    try {
      const saved = await api<Deployment>(`/api/deployments/${encodeURIComponent(d.name)}`, { method: 'PATCH', body: { web_app } });
      onSaved(saved);
      notify('success', form.enabled ? `The web app of ${d.name} is on` : `Web app settings of ${d.name} saved`);
    } catch (err) {
      const notChat = err instanceof ApiError && err.code === 'not_chat_shaped';
      const where = err instanceof ApiError && err.param ? ` (${err.param})` : '';
      // The server's not_chat_shaped message already says the app cannot be had, and why.
      const text = (err as Error).message;
      setError({ message: notChat ? text.charAt(0).toUpperCase() + text.slice(1) : `${text}${where}`, notChat });
    } finally {
      setBusy(false);
    }
  }

  const appUrl = d.web_app?.enabled ? d.app_url ?? `/apps/${encodeURIComponent(d.name)}` : null;
  const snippets = embedSnippets(location.origin, d.name, d.web_app?.title ?? d.name);
  return (
    <section className="card web-app-panel" aria-label="Web app" data-testid="web-app-panel">
      <div className="web-app-head">
        <h2>Web app</h2>
        <span className={`tag ${appUrl ? 'ok' : ''}`} data-testid="web-app-state">{appUrl ? 'on' : 'off'}</span>
        {appUrl && (
          <a className="button" href={appUrl} target="_blank" rel="noreferrer" data-testid="open-app">
            Open app
          </a>
        )}
      </div>
      <p className="muted">A chat page for this deployment, with its answers' sources, that anyone you share it with can use.</p>
      <form
        className="web-app-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label className="check">
          <input type="checkbox" checked={form.enabled} onChange={(e) => set({ enabled: e.target.checked })} /> Web app enabled
        </label>
        <label className="field">
          <span>Title</span>
          <input value={form.title} maxLength={120} onChange={(e) => set({ title: e.target.value })} />
        </label>
        <label className="field">
          <span>Description</span>
          <textarea rows={2} maxLength={2000} value={form.description} onChange={(e) => set({ description: e.target.value })} />
        </label>
        <div className="field">
          <label className="field-label" htmlFor={`logo-${d.name}`}>Logo URL</label>
          <div className="web-app-logo">
            {form.logo && <img src={form.logo} alt="Logo preview" />}
            <input
              id={`logo-${d.name}`} placeholder="https://… or upload" value={form.logo.startsWith('data:') ? '(uploaded image)' : form.logo}
              readOnly={form.logo.startsWith('data:')} onChange={(e) => set({ logo: e.target.value })}
            />
            {form.logo && <button type="button" className="small" onClick={() => set({ logo: '' })}>Remove logo</button>}
          </div>
          <label className="hint">
            Upload a logo (PNG, SVG, JPEG or WebP, at most 64 KB){' '}
            <input
              type="file" accept={LOGO_TYPES.join(',')} aria-label="Upload logo"
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = '';
                setLogoError(undefined);
                if (file) readLogo(file).then((logo) => set({ logo }), (err: Error) => setLogoError(err.message));
              }}
            />
          </label>
          {logoError && <span className="error-text" role="alert">{logoError}</span>}
        </div>
        <div className="field">
          <span className="field-label">Accent colour</span>
          <div className="web-app-accent">
            <label className="check">
              <input type="checkbox" checked={form.useAccent} onChange={(e) => set({ useAccent: e.target.checked })} /> Own accent
            </label>
            <input type="color" aria-label="Accent colour" value={form.accent} disabled={!form.useAccent} onChange={(e) => set({ accent: e.target.value })} />
            <code>{form.useAccent ? form.accent : 'default'}</code>
          </div>
        </div>
        <label className="field">
          <span>Who can use it</span>
          <select value={form.auth} onChange={(e) => set({ auth: e.target.value as Form['auth'] })}>
            <option value="public">Anyone with the link</option>
            <option value="key">Only with a key of this deployment</option>
          </select>
        </label>
        <label className="field">
          <span>Messages a minute per visitor</span>
          <input type="number" min={1} max={100000} value={form.rpm} onChange={(e) => set({ rpm: e.target.value })} />
          <small className="hint">Each visitor of a public app is limited to this; the deployment's own limits apply as well.</small>
        </label>
        {error && (
          <p className="error-text" role="alert" data-testid={error.notChat ? 'not-chat-shaped' : 'web-app-error'}>
            {error.message}
          </p>
        )}
        <div>
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Saving…' : 'Save web app'}</button>
        </div>
      </form>
      {appUrl && (
        <div className="web-app-embed">
          <h3>Embed on a site</h3>
          <p className="muted">A chat bubble at the bottom right of any page:</p>
          <Snippet code={snippets.script} label="Script tag embed" copy="Copy script tag" />
          <p className="muted">Or the app in a frame:</p>
          <Snippet code={snippets.iframe} label="Iframe embed" copy="Copy iframe" />
        </div>
      )}
      {d.web_app && <WebAppFeedback name={d.name} />}
    </section>
  );
}
