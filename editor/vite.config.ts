import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The studio is served by the Weir server from dist/editor; `npm run dev:editor` proxies the API.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: '../dist/editor', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: {
    proxy: Object.fromEntries(['/api', '/deployments', '/v1', '/healthz'].map((p) => [p, process.env.WEIR_URL ?? 'http://127.0.0.1:8787'])),
  },
});
