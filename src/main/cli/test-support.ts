/** Test support for the CLI tests: run `bin/studio.mjs` as a child process, as a user would. */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const STUDIO_BIN = join(PACKAGE_ROOT, 'bin', 'studio.mjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runStudio(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [STUDIO_BIN, ...args],
      { cwd: options.cwd ?? PACKAGE_ROOT, env: { ...process.env, ...options.env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        if (code === null) fail(err ?? new Error('studio ended without an exit code'));
        else done({ code, stdout, stderr });
      },
    );
  });
}

/** Temp folders removed by `cleanup` (call it from afterEach). */
export class TempDirs {
  private readonly dirs: string[] = [];

  make(label: string): string {
    const dir = mkdtempSync(join(tmpdir(), `studio-cli-${label}-`));
    this.dirs.push(dir);
    return dir;
  }

  cleanup(): void {
    for (const d of this.dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  }
}

export interface ServeChild {
  child: ChildProcessWithoutNullStreams;
  /** The URL `studio serve` printed, with its token. */
  url: Promise<URL>;
  /** The exit code, or null when a signal ended it. */
  exit: Promise<number | null>;
  output(): string;
}

/**
 * `studio serve` as a child process (kept in `children` so a test's afterEach can kill it).
 * `node` runs the wrapper under another Node (the wrapper re-launches itself under Node 22).
 */
export function spawnServe(children: ChildProcessWithoutNullStreams[], env: NodeJS.ProcessEnv, args: string[], node = process.execPath): ServeChild {
  const child = spawn(node, [STUDIO_BIN, 'serve', ...args], { env: { ...process.env, ...env } });
  children.push(child);
  let out = '';
  const url = new Promise<URL>((done, fail) => {
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /Open (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
      if (m?.[1]) done(new URL(m[1]));
    });
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('exit', (code) => fail(new Error(`serve exited ${code} before printing a URL: ${out}`)));
  });
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, url, exit, output: () => out };
}
