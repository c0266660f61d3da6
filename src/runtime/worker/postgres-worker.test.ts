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
});
