import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../global-setup';

export interface WorkerProcess {
  id: string;
  child: ChildProcess;
  /** Everything it printed, both streams. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * `studio worker --workspace <url> --workflows <dir> --id <id>` as a child process, resolved once
 * it printed its first line (it is listening and claiming runs by then).
 */
export async function startWorker(url: string, workflowsDir: string, id: string): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'studio.mjs'), 'worker', '--workspace', url, '--workflows', workflowsDir, '--id', id, '--concurrency', '2'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`studio worker ${id} printed nothing within 30 s:\n${out}`)), 30_000);
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('\n')) {
        clearTimeout(timer);
        ready();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`studio worker ${id} exited with ${code}:\n${out}`));
    });
  });
  return {
    id,
    child,
    output: () => out,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(force);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}
