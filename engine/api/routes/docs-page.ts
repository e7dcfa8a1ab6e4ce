/**
 * The interactive API reference: a self-contained page (no CDN: it must work offline) that loads
 * a deployment's OpenAPI document with its key, lists the operations with their input schema and
 * lets you send a request and see the answer. Its header leads back into the studio (served at /).
 */
export const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Weir API reference</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24}
header{background:#141a26;padding:.6rem 1rem}header a{color:#fff;text-decoration:none;font-weight:600}header a:hover,header a:focus-visible{text-decoration:underline}
main{margin:2rem auto;max-width:960px;padding:0 1rem}
input,textarea,button{font:inherit}input{padding:.3rem;margin-right:.5rem}textarea{width:100%;min-height:8rem;font-family:monospace}
label{margin-right:.25rem}pre{background:#f4f5f7;padding:.75rem;overflow:auto}.op{border:1px solid #d0d4da;border-radius:6px;padding:1rem;margin:1rem 0}
.method{font-weight:700;color:#067a46}.err{color:#b00}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
</style></head><body>
<header><nav aria-label="Weir"><a href="/" id="studio-link">← Weir studio</a></nav></header>
<main>
<h1>Weir API reference</h1>
<p>Published endpoints of a deployment. The management API (<code>/api/…</code>, admin token) is listed in the README.</p>
<form id="f"><label class="sr" for="name">Deployment name</label><input id="name" placeholder="deployment name" required><label class="sr" for="key">Deployment key</label><input id="key" placeholder="deployment key" type="password" required><button>Load</button></form>
<div id="out" aria-live="polite"></div>
</main>
<script>
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
$('f').onsubmit = async (e) => {
  e.preventDefault();
  const name = $('name').value.trim(), key = $('key').value.trim();
  const res = await fetch('/deployments/' + encodeURIComponent(name) + '/openapi.json', { headers: { authorization: 'Bearer ' + key } });
  const doc = await res.json();
  if (!res.ok) { $('out').innerHTML = '<p class="err">' + esc(doc.error?.message ?? res.status) + '</p>'; return; }
  $('out').innerHTML = '<h2>' + esc(doc.info.title) + ' — version ' + esc(doc.info.version) + '</h2>';
  for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) {
    const schema = op.requestBody?.content['application/json'].schema ?? {};
    const example = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, s.default ?? (s.type === 'number' || s.type === 'integer' ? 0 : s.type === 'boolean' ? false : s.type === 'array' ? [] : s.type === 'object' ? {} : '')]));
    const div = document.createElement('div');
    div.className = 'op';
    div.innerHTML = '<div><span class="method">' + method.toUpperCase() + '</span> <code>' + esc(path) + '</code> — ' + esc(op.summary ?? '') + '</div>' +
      '<details><summary>input schema</summary><pre>' + esc(JSON.stringify(schema, null, 2)) + '</pre></details>' +
      '<textarea aria-label="Request body for ' + esc(method.toUpperCase() + ' ' + path) + '">' + esc(JSON.stringify(example, null, 2)) + '</textarea><button>Send</button><pre class="res"></pre>';
    div.querySelector('button').onclick = async () => {
      const r = await fetch(path, { method: method.toUpperCase(), headers: { authorization: 'Bearer ' + key, 'content-type': 'application/json' }, body: div.querySelector('textarea').value });
      div.querySelector('.res').textContent = r.status + ' ' + r.statusText + '  weir-version: ' + r.headers.get('weir-version') + '\\n' + await r.text();
    };
    $('out').append(div);
  }
};
</script></body></html>`;
