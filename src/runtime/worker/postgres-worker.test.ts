import { describe, expect, it } from 'vitest';
import { EffectType } from '../core/enums';
import { Runtime } from '../core/runtime';
import { WorkflowSpec } from '../core/spec';
import { formatIsoTimestamp, parseIsoTimestamp } from '../json/timestamp';
import { WorkflowRegistry } from '../scheduler/workflow-registry';
import { freshSchema, usePgServer } from '../storage/postgres/test-support/pg-workspaces';
import { PostgresWorker } from './postgres-worker';

const pg = usePgServer();

const napWorkflow = new WorkflowSpec({
  workflowId: 'nap',
  entryNode: 'start',
  nodes: {
    start: (run) => {
      const until = formatIsoTimestamp(Date.now() * 1000 + Number(run.vars['ms']) * 1000);
      run.vars['until'] = until;
      return { nodeId: 'start', effect: { type: EffectType.WAIT_UNTIL, payload: { until }, resultKey: 'woke' }, nextNode: 'done' };
    },
    done: (run) => ({ nodeId: 'done', completeOutput: { until: run.vars['until'] ?? null, woke_at: formatIsoTimestamp(Date.now() * 1000) } }),
  },
});

async function until<T>(probe: () => Promise<T | null>, ms: number): Promise<T | null> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== null || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('PostgresWorker: live through LISTEN/NOTIFY', () => {
  it('starts a new run and wakes a wait_until run on time with the poll a minute away', async () => {
    const schema = freshSchema('live');
    const workerWs = await pg.open(schema, { writer: 'live-worker@test' });
    const clientWs = await pg.open(schema, { writer: 'client@test' });
    const registry = new WorkflowRegistry();
    registry.register(napWorkflow);
    const worker = new PostgresWorker({ workspace: workerWs, registry, pollIntervalMs: 60_000 });
    await worker.start();
    try {
      await new Promise((r) => setTimeout(r, 300)); // the first (empty) poll is done; only a notification can wake it now
      const rt = new Runtime({ runStore: clientWs.runs, ledgerStore: clientWs.ledger });
      const runId = await rt.start({ workflow: napWorkflow, vars: { ms: 400 } });
      const done = await until(async () => {
        const r = await clientWs.runs.load(runId);
        return r?.status === 'completed' ? r : null;
      }, 15_000);
      expect(done?.status).toBe('completed');
      const out = done!.output as { until: string; woke_at: string };
      const lateMs = (parseIsoTimestamp(out.woke_at)! - parseIsoTimestamp(out.until)!) / 1000;
      expect(lateMs).toBeGreaterThanOrEqual(0);
      expect(lateMs).toBeLessThan(10_000); // far below the 60 s poll: the notification armed a timer
      const writers = (await clientWs.ledger.readLedgerPage(runId)).map((e) => e.writtenBy);
      expect(writers).toContain('live-worker@test');
    } finally {
      await worker.stop();
    }
  });

  it('wakes 60 runs due at one moment across three workers, each exactly once, the claims of due runs taking different runs', async () => {
    const schema = freshSchema('due');
    const woke = new Map<string, number>();
    const wf = new WorkflowSpec({
      workflowId: 'due_batch',
      entryNode: 'wait',
      nodes: {
        wait: (r) => ({ nodeId: 'wait', effect: { type: EffectType.WAIT_UNTIL, payload: { until: r.vars['until'] as string }, resultKey: null }, nextNode: 'done' }),
        done: (r) => {
          woke.set(r.runId, (woke.get(r.runId) ?? 0) + 1);
          return { nodeId: 'done', completeOutput: { ok: true } };
        },
      },
    });
    const workers: PostgresWorker[] = [];
    for (let i = 0; i < 3; i++) {
      const registry = new WorkflowRegistry();
      registry.register(wf);
      workers.push(new PostgresWorker({ workspace: await pg.open(schema, { writer: `due-${i}@test` }), registry, pollIntervalMs: 60_000 }));
    }
    const client = await pg.open(schema);
    const rt = new Runtime({ runStore: client.runs, ledgerStore: client.ledger });
    const dueAt = formatIsoTimestamp(Date.now() * 1000 + 3_000_000);
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push(await rt.start({ workflow: wf, vars: { until: dueAt } }));
    for (const w of workers) await w.start();
    try {
      const all = await until(async () => (woke.size === 60 ? woke : null), 20_000);
      await new Promise((r) => setTimeout(r, 300)); // a second wake-up, if any, would land by now
      expect(all?.size).toBe(60);
      expect([...woke.values()].every((n) => n === 1)).toBe(true);
      for (const id of ids) expect((await client.runs.load(id))?.status).toBe('completed');
      expect(workers.reduce((n, w) => n + w.stats.runsDriven, 0)).toBeGreaterThanOrEqual(60);
      expect(workers.reduce((n, w) => n + w.stats.errors, 0)).toBe(0);
    } finally {
      for (const w of workers) await w.stop();
    }
  });
});
