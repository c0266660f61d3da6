import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

export const REPO_ROOT = resolve(__dirname, '..');
export const RENDERER_OUT = process.env['STUDIO_RENDERER_DIR'] ?? join(REPO_ROOT, 'out', 'renderer');

/**
 * Builds the renderer the tests load, unless a build is given (STUDIO_RENDERER_DIR) or
 * E2E_SKIP_BUILD is set. It is the same bundle electron-vite builds for the app's window.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env['STUDIO_RENDERER_DIR'] || process.env['E2E_SKIP_BUILD']) {
    if (!existsSync(join(RENDERER_OUT, 'index.html'))) throw new Error(`No renderer build at ${RENDERER_OUT}: unset E2E_SKIP_BUILD to build it.`);
    return;
  }
  await build({
    root: join(REPO_ROOT, 'src', 'renderer'),
    base: './',
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir: RENDERER_OUT, emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  });
}
