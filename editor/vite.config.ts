import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The studio is served by the Weir server from dist/editor; `npm run dev:editor` proxies the API.
// Two pages share one source tree: the studio (index.html) and the per-deployment chat web app
// (app.html, served at /apps/{name}); public/weir-embed.js is copied as is, for the script-tag embed.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: '../dist/editor',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: { input: { studio: `${import.meta.dirname}/index.html`, app: `${import.meta.dirname}/app.html` } },
  },
  server: {
    proxy: Object.fromEntries(['/api', '/apps', '/deployments', '/v1', '/healthz'].map((p) => [p, process.env.WEIR_URL ?? 'http://127.0.0.1:8787'])),
  },
});
