import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyLedgerChain } from '../../ledger/chain-verifier';
import { makeRun, sampleRecord } from '../testing/store-contract';
import { freshSchema, usePgServer } from './test-support/pg-workspaces';

const pg = usePgServer();
const CHILD = join(__dirname, 'test-support', 'pg-lease-child.ts');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Starts a holder process and waits for it to hold the run; `next()` reads its next line. */
async function startHolder(schema: string, runId: string, ttlMs: number): Promise<{ child: ChildProcess; next: () => Promise<Record<string, unknown>> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, pg.server().url, schema, runId, String(ttlMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => JSON.parse(String((await lines.next()).value)) as Record<string, unknown>;
  expect(await next()).toMatchObject({ held: runId, token: 1 });
  return { child, next };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('PostgresWorkspace: leases with expiry and a fencing token', () => {
  it('a holder frozen past its lease cannot commit once another took the run over', async () => {
    const schema = freshSchema('fence');
    const runId = 'fenced-run';
    const ttl = 600;
    const { child, next } = await startHolder(schema, runId, ttl);
    const me = await pg.open(schema, { writer: 'taker@test', leaseTtlMs: 10_000 });
    await expect(me.runs.acquireRunLease(runId)).rejects.toMatchObject({ code: 'RUN_LOCKED', message: expect.stringContaining('child-') });
    await expect(me.ledger.append(sampleRecord(runId, 0))).rejects.toMatchObject({ code: 'RUN_LOCKED' });

    child.kill('SIGSTOP'); // no renewals from now on
    let lease = null;
    for (let i = 0; i < 100 && !lease; i++) {
      await sleep(ttl / 4);
      lease = await me.runs.acquireRunLease(runId).catch(() => null);
    }
    expect(lease).not.toBeNull();
    expect(me.leases.tokenOf(runId)).toBe(2);
    await me.runs.commitStep(makeRun({ runId }), [sampleRecord(runId, 1, { stepId: 'from-the-new-holder' })]);

    child.kill('SIGCONT');
    child.stdin!.write('commit\n');
    expect(await next()).toEqual({ committed: false, code: 'LEASE_LOST' });
    const ledger = await me.ledger.list(runId);
    expect(ledger.map((r) => r.stepId)).toEqual(['from-the-new-holder']);
    expect(verifyLedgerChain(ledger).ok).toBe(true);
    child.stdin!.write('exit\n');
    await once(child, 'exit');
  });

  it('an expired lease nobody took is not enough to commit either', async () => {
    const schema = freshSchema('expired');
    const runId = 'expired-run';
    const { child, next } = await startHolder(schema, runId, 400);
    child.kill('SIGSTOP');
    const me = await pg.open(schema);
    for (let i = 0; i < 100 && (await me.leaseHolder(runId))?.live; i++) await sleep(100);
    expect(await me.leaseHolder(runId)).toMatchObject({ live: false, token: 1 });
    child.kill('SIGCONT');
    child.stdin!.write('commit\n');
    // Its overdue renewal may run first: an expired lease is not renewed, so either way it is lost.
    expect(await next()).toEqual({ committed: false, code: 'LEASE_LOST' });
    expect(await me.ledger.list(runId)).toEqual([]);
  });

  it('nests a claim and the runtime\'s own lease, renews it while held, and gives it back on release', async () => {
    const schema = freshSchema('renew');
    const a = await pg.open(schema, { leaseTtlMs: 1000 });
    const b = await pg.open(schema);
    const outer = await a.runs.acquireRunLease('r');
    const inner = await a.runs.acquireRunLease('r');
    await inner.release();
    await sleep(2500); // 2.5 TTLs: alive only through renewals
    await expect(b.runs.acquireRunLease('r')).rejects.toMatchObject({ code: 'RUN_LOCKED' });
    await outer.release();
    expect(await a.leaseHolder('r')).toBeNull();
    await b.runs.acquireRunLease('r');
    expect(b.leases.tokenOf('r')).toBe(1);
  });
});
