import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// `npm run dev -w @tidemark/dashboard` proxies the API to a server started separately:
// TIDEMARK_API=http://127.0.0.1:<port> (use an ephemeral port; nothing here assumes one).
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const api = process.env.TIDEMARK_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No data: URLs for assets: everything is a same-origin file, which keeps the CSP simple.
    assetsInlineLimit: 0,
    sourcemap: false,
    chunkSizeWarningLimit: 400,
    // player.html hosts the session replay player (src/replay/frame.ts) under its own CSP.
    rollupOptions: { input: { main: here('index.html'), player: here('player.html') } },
  },
  server: {
    port: 0,
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/t.js': { target: api },
      '/v1': { target: api },
    },
  },
});
