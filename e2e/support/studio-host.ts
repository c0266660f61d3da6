import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { RENDERER_OUT, REPO_ROOT } from '../global-setup';

export interface StudioHost {
  /** The URL the host printed, token included. */
  url: string;
  /** A scratch folder inside the host's allowed roots (fixtures are copied here). */
  dataDir: string;
  workspacePath: string;
  stop(): Promise<void>;
}

export interface HostOptions {
  /** Extra folders of workflow modules for the workspace (written to its .studio.json). */
  workflowDirs?: string[];
  /** Writes the workspace file before the host opens it (benchmarks: 100,000 runs straight through the store). */
  prepareWorkspace?: (workspacePath: string) => void;
}

/**
 * Starts `studio serve` on a fresh workspace in a temp folder, on a free port, and waits for the
 * URL it prints. Each test gets its own host, so tests cannot see each other's runs.
 */
export async function startStudio(options: HostOptions = {}): Promise<StudioHost> {
  const dataDir = mkdtempSync(join(tmpdir(), 'studio-e2e-'));
  const workspacePath = join(dataDir, 'workspaces', 'e2e.studio.sqlite');
  mkdirSync(join(dataDir, 'workspaces'), { recursive: true });
  if (options.workflowDirs?.length) {
    writeFileSync(`${workspacePath}.studio.json`, JSON.stringify({ workflowDirs: options.workflowDirs }), { flag: 'w' });
  }
  options.prepareWorkspace?.(workspacePath);
  const port = await freePort();
  // STUDIO_HOST_CPU_PROF=<dir>: the host writes its CPU profile there when it exits (for benchmarks: where its time goes).
  const profileDir = process.env['STUDIO_HOST_CPU_PROF'];
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profile, join(REPO_ROOT, 'bin', 'studio.mjs'), 'serve', '--port', String(port), '--workspace', workspacePath], {
    cwd: REPO_ROOT,
    env: { ...process.env, STUDIO_USER_DATA: dataDir, STUDIO_RENDERER_DIR: RENDERER_OUT },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await waitForUrl(child);
  return {
    url,
    dataDir,
    workspacePath,
    stop: async () => {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A port nobody listens on right now (`studio serve` wants a number, not 0). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => done(port));
    });
  });
}

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`studio serve printed no URL within 30 s:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Open (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]!);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`studio serve exited with code ${code}:\n${out}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill('SIGTERM');
  });
}
