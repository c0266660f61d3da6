import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// Three bundles: the Electron main process (the backend host), the sandboxed preload (CommonJS,
// as a sandboxed preload must be), and the React renderer, which the web host serves too.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/electron/main.ts'),
          // Ledger verification runs in a worker thread: its own bundle beside the main one.
          'verify-worker': resolve(__dirname, 'src/main/service/jobs/verify-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } } },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    // electron-vite leaves the renderer unminified; minified it parses faster at every window load.
    build: { minify: true, rollupOptions: { input: resolve(__dirname, 'src/renderer/index.html') } },
    plugins: [react()],
  },
});
