import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Runtime } from '../../core/runtime';
import { askWorkflow } from './test-support/workflows';
import { TempWorkspaces } from './test-support/temp-workspace';

const temp = new TempWorkspaces();
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  temp.cleanup();
});

const CHILD = fileURLToPath(new URL('./test-support/lease-holder-child.ts', import.meta.url));

/** Starts a process that leases `runId`; resolves once it holds it, with a way to read its next line. */
async function leaseHolder(path: string, runId: string): Promise<{ child: ChildProcess; nextLine: () => Promise<string> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path, runId], { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<string> => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`lease holder ${child.pid} exited (${child.exitCode ?? child.signalCode})`);
    return value as string;
  };
  expect(JSON.parse(await nextLine())).toEqual({ held: runId, pid: child.pid });
  return { child, nextLine };
}

const exited = (child: ChildProcess): Promise<void> => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

describe('run leases', () => {
  it('lets one workspace at a time hold a run, names the holder, and is re-entrant for the holder', async () => {
    const path = temp.newPath();
    const a = temp.open(path);
    const b = temp.open(path);
    const outer = await a.runs.acquireRunLease('r1');
    const inner = await a.runs.acquireRunLease('r1');
    await expect(b.runs.acquireRunLease('r1')).rejects.toMatchObject({
      code: 'RUN_LOCKED',
      message: expect.stringContaining(`process ${process.pid}`),
    });
    await inner.release();
    await expect(b.runs.acquireRunLease('r1')).rejects.toMatchObject({ code: 'RUN_LOCKED' });
    await outer.release();
    await outer.release(); // releasing twice is harmless
    const theirs = await b.runs.acquireRunLease('r1');
    expect(b.leaseHolder('r1')).toMatchObject({ owner: b.ownerId, pid: process.pid });
    b.close(); // close releases what it holds
    expect(a.leaseHolder('r1')).toBeNull();
    await theirs.release(); // after close: a no-op, not an error
  });

  it('refuses a run leased by another live process, and takes it over once that process is killed', async () => {
    const path = temp.newPath();
    const ws = temp.open(path);
    const rt = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger });
    const runId = await rt.start({ workflow: askWorkflow });
    const { child } = await leaseHolder(path, runId);

    const locked = expect.objectContaining({ code: 'RUN_LOCKED', message: expect.stringContaining(`process ${child.pid} `) });
    await expect(ws.runs.acquireRunLease(runId)).rejects.toEqual(locked);
    await expect(rt.tick({ workflow: askWorkflow, runId })).rejects.toEqual(locked);
    expect((await ws.runs.load(runId))!.status).toBe('running'); // the loser changed nothing
    expect(ws.leaseHolder(runId)).toMatchObject({ pid: child.pid });

    child.kill('SIGKILL');
    await exited(child);
    expect((await rt.tick({ workflow: askWorkflow, runId })).status).toBe('waiting');
    expect(ws.leaseHolder(runId)).toBeNull();
  });

  it('gets the run as soon as the other process releases it', async () => {
    const path = temp.newPath();
    const ws = temp.open(path);
    const { child, nextLine } = await leaseHolder(path, 'shared');
    await expect(ws.runs.acquireRunLease('shared')).rejects.toMatchObject({ code: 'RUN_LOCKED' });
    child.stdin!.write('release\n');
    expect(JSON.parse(await nextLine())).toEqual({ released: 'shared' });
    const lease = await ws.runs.acquireRunLease('shared');
    await lease.release();
    child.stdin!.write('exit\n');
    await exited(child);
    expect(child.exitCode).toBe(0);
  });

  it('judges a holder on another host by its expiry', async () => {
    const path = temp.newPath();
    const ws = temp.open(path);
    const raw = new Database(path);
    const put = raw.prepare("INSERT OR REPLACE INTO run_leases VALUES (?, 'remote-owner', 4242, 'other-host#boot', '2025-01-01T00:00:00+00:00', ?)");
    put.run('fresh', Date.now() + 60_000);
    put.run('stale', Date.now() - 1);
    raw.close();
    await expect(ws.runs.acquireRunLease('fresh')).rejects.toMatchObject({ code: 'RUN_LOCKED', message: expect.stringContaining('process 4242 on other-host') });
    const taken = await ws.runs.acquireRunLease('stale');
    expect(ws.leaseHolder('stale')).toMatchObject({ owner: ws.ownerId });
    await taken.release();
  });
});
