import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { Runtime } from '../core/runtime';
import { verifyLedgerChain } from '../ledger/chain-verifier';
import { freshSchema, usePgServer } from '../storage/postgres/test-support/pg-workspaces';
import { crashWorkflow, EFFECT_LOG_SQL } from './test-support/crash-workflow';

/**
 * Crash test across workers: three worker processes drive durable runs on one PostgreSQL
 * workspace while random workers are killed with SIGKILL (CRASH_KILLS times, 20 by default; more
 * in a long mode) and replaced. Afterwards every run completed, every chain verifies, no effect
 * completed twice, and no dead worker still holds a lease past its expiry.
 */
const pg = usePgServer();
const CHILD = join(__dirname, 'test-support', 'worker-child.ts');
const KILLS = Number(process.env['CRASH_KILLS'] ?? 20);
const RUNS = 30;
const STEPS = 12;
const TTL_MS = 1500;
/**
 * Every third step waits this long (plus up to 1 s): the runs must outlast the kills, or later
 * kills hit idle workers and prove nothing (on a quiet machine 150 ms let every run finish
 * before the tenth kill). The test checks that work was left after the last kill.
 */
const WAIT_MS = 3000;
const alive = new Set<ChildProcess>();

afterAll(() => {
  for (const c of alive) c.kill('SIGKILL');
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Worker {
  child: ChildProcess;
  /** Its lease owner id, once it has opened the workspace (null if killed before). */
  ownerId: Promise<string | null>;
}

/** Spawns a worker without waiting for it: a kill may come while it is still starting. */
function startWorker(schema: string, workerId: string): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, pg.server().url, schema, workerId, String(TTL_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  alive.add(child);
  child.once('exit', () => alive.delete(child));
  const lines = createInterface({ input: child.stdout! });
  const ownerId = lines[Symbol.asyncIterator]()
    .next()
    .then((first) => (first.done ? null : (JSON.parse(String(first.value)) as { ownerId: string }).ownerId));
  return { child, ownerId };
}

describe('PostgreSQL workers: crash test', () => {
  it(`completes every run exactly once across ${KILLS} SIGKILLs of random workers`, async () => {
    const schema = freshSchema('crash');
    const ws = await pg.open(schema);
    const sql = new Client({ connectionString: pg.server().url });
    await sql.connect();
    await sql.query(EFFECT_LOG_SQL(schema));
    const rt = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger });
    const runIds: string[] = [];
    for (let i = 0; i < RUNS; i++) runIds.push(await rt.start({ workflow: crashWorkflow, vars: { i: 0, steps: STEPS, wait_ms: WAIT_MS + (i % 5) * 250 } }));

    let n = 0;
    const workers = [0, 1, 2].map(() => startWorker(schema, `w${n++}`));
    await Promise.all(workers.map((w) => w.ownerId));
    const dead = new Set<string>();
    for (let k = 0; k < KILLS; k++) {
      await sleep(200 + Math.floor(Math.random() * 300));
      const victim = workers.splice(Math.floor(Math.random() * workers.length), 1)[0]!;
      const owner = await victim.ownerId; // killed once it works, not while it starts
      const exited = once(victim.child, 'exit');
      victim.child.kill('SIGKILL');
      await exited;
      if (owner) dead.add(owner);
      workers.push(startWorker(schema, `w${n++}`));
    }
    const openAfterKills = Number((await sql.query(`SELECT count(*) AS n FROM "${schema}".runs WHERE status <> 'completed'`)).rows[0].n);
    expect(openAfterKills, 'every kill must land while runs are still being driven').toBeGreaterThan(0);

    const deadline = Date.now() + 120_000;
    let open = RUNS;
    while (Date.now() < deadline) {
      open = Number((await sql.query(`SELECT count(*) AS n FROM "${schema}".runs WHERE status <> 'completed'`)).rows[0].n);
      if (open === 0) break;
      await sleep(200);
    }
    expect(open).toBe(0);

    for (const runId of runIds) {
      const ledger = await ws.ledger.list(runId);
      expect(verifyLedgerChain(ledger)).toMatchObject({ ok: true, firstBadIndex: null });
      const tallies = ledger.filter((r) => r.status === 'completed' && r.effect?.type === 'tool_calls').map((r) => Number((r.result ?? {})['i']));
      expect(tallies).toEqual(Array.from({ length: STEPS }, (_, i) => i)); // each effect completed once, in order
      expect((await ws.runs.load(runId))!.output).toEqual({ i: STEPS });
    }
    const executions = await sql.query(`SELECT run_id, i, count(*)::int AS n FROM "${schema}".effect_log GROUP BY run_id, i`);
    expect(executions.rows).toHaveLength(RUNS * STEPS); // every effect ran (a few twice: cut short by a kill before its commit)

    const writers = await sql.query(`SELECT DISTINCT written_by FROM "${schema}".ledger WHERE written_by LIKE 'w%@test-host'`);
    expect(writers.rows.length).toBeGreaterThan(3);
    const takenOver = await sql.query(`SELECT count(*)::int AS n FROM (SELECT run_id FROM "${schema}".ledger GROUP BY run_id HAVING count(DISTINCT written_by) > 2) t`);
    const reran = executions.rows.filter((r: { n: number }) => r.n > 1).length;
    process.stdout.write(`${JSON.stringify({ crash: { kills: KILLS, runs: RUNS, workersStarted: n, runsWrittenByManyWorkers: takenOver.rows[0].n, effectsRerunAfterAKill: reran } })}\n`);

    // A dead worker's lease may be live for at most one TTL after its death; after that none is.
    await sleep(TTL_MS + 200);
    const stale = await sql.query(`SELECT run_id, owner_id FROM "${schema}".leases WHERE expires_at > clock_timestamp() AND owner_id = ANY($1::text[])`, [[...dead]]);
    expect(stale.rows).toEqual([]);

    for (const w of workers) {
      w.child.kill('SIGTERM');
      await once(w.child, 'exit');
    }
    await sql.end();
  }, 240_000);
});
