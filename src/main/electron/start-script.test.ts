/**
 * `npm start` where Electron cannot be obtained (always the case on our build machines): one
 * clear paragraph pointing to `npm run serve`, exit code 1, no stack trace. The build step is
 * skipped here (it rewrites out/, which other tests read); `npm start` runs it first.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function runStart(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(ROOT, 'scripts', 'start.mjs')], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });
}

describe('npm start without an Electron binary', () => {
  it('explains in one paragraph, points to npm run serve, and exits 1 without a stack trace', async () => {
    const nowhere = mkdtempSync(join(tmpdir(), 'no-electron-'));
    dirs.push(nowhere);
    // Electron's own override of where its binary lives: pointed at an empty folder, the binary is missing.
    const r = await runStart({ STUDIO_START_SKIP_BUILD: '1', ELECTRON_OVERRIDE_DIST_PATH: join(nowhere, 'dist') });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const text = r.stderr.trim();
    expect(text.split(/\n\s*\n/)).toHaveLength(1); // one paragraph
    expect(text).toContain('The Studio desktop app cannot start here: the Electron binary is not available');
    expect(text).toContain('Electron downloads its binary from the internet the first time it runs');
    expect(text).toContain('could not reach the download server');
    expect(text).toContain('run `npm run serve`');
    expect(text).not.toMatch(/^\s+at /m);
    expect(text).not.toContain('Error:');
  });
});
