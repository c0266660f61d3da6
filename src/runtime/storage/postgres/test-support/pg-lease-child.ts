/**
 * A second process for the fencing tests: opens the workspace (argv: url, schema, runId,
 * leaseTtlMs), leases the run, says so on stdout, then on "commit" on stdin tries to commit a
 * step of the run and reports what happened. The test freezes it with SIGSTOP in between (a
 * holder stalled past its lease: a long GC pause, a suspended VM). Run with
 * `node --import tsx pg-lease-child.ts ...`.
 */
import { RunStatus } from '../../../core/enums';
import { type RunState, type StepRecord } from '../../../core/models';
import { PostgresWorkspace } from '../postgres-workspace';

// Not the store contract's makeRun/sampleRecord: that module imports vitest, which a plain child process cannot.
const NOW = '2025-12-17T08:30:00.000001+00:00';
const run = (runId: string): RunState => ({
  runId, workflowId: 'wf', status: RunStatus.RUNNING, currentNode: 'n', vars: {}, waiting: null, output: null, error: null,
  createdAt: NOW, updatedAt: NOW, actorId: null, sessionId: null, parentRunId: null,
});
const record = (runId: string, stepId: string): StepRecord => ({
  runId, stepId, nodeId: 'n', status: 'completed', effect: null, result: null, error: null, startedAt: NOW, endedAt: NOW,
  actorId: null, sessionId: null, attempt: 1, idempotencyKey: null, prevHash: null, recordHash: null, signature: null,
});

async function main(): Promise<void> {
  const [url, schema, runId, ttl] = process.argv.slice(2) as [string, string, string, string];
  const ws = await PostgresWorkspace.open(url, { schema, leaseTtlMs: Number(ttl), writer: `child-${process.pid}@test` });
  await ws.runs.acquireRunLease(runId);
  const say = (o: object): boolean => process.stdout.write(`${JSON.stringify(o)}\n`);
  say({ held: runId, token: ws.leases.tokenOf(runId) });
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    void (async () => {
      if (chunk.includes('commit')) {
        try {
          await ws.runs.commitStep(run(runId), [record(runId, 'from-the-stalled-holder')]);
          say({ committed: true });
        } catch (err) {
          say({ committed: false, code: (err as { code?: string }).code ?? String(err) });
        }
      }
      if (chunk.includes('exit')) {
        await ws.close();
        process.exit(0);
      }
    })();
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
