/**
 * A worker process for the request crash test (argv: url, schema, worker id, lease TTL ms, mode).
 * It serves the approval workflow; the approved tool either hangs forever after saying
 * `{"tool":"started"}` on stdout (mode `hang`: the test SIGKILLs it there, with the request
 * taken and not applied) or runs (mode `run`). Prints `{"ready": workerId}` once registered.
 * Run with `node --import tsx request-worker-child.ts ...`.
 */
import { WorkflowRegistry } from '../../scheduler/workflow-registry';
import { PostgresWorkspace } from '../../storage/postgres/postgres-workspace';
import { PostgresWorker } from '../postgres-worker';
import { approvalTools, approvalWorkflow } from './approval-workflow';

const say = (o: object): boolean => process.stdout.write(`${JSON.stringify(o)}\n`);

async function main(): Promise<void> {
  const [url, schema, workerId, ttl, mode] = process.argv.slice(2) as [string, string, string, string, 'hang' | 'run'];
  const ws = await PostgresWorkspace.open(url, { schema, writer: workerId, leaseTtlMs: Number(ttl) });
  const registry = new WorkflowRegistry();
  registry.register(approvalWorkflow);
  const tools = approvalTools({
    execute: (calls) => {
      if (mode === 'hang') {
        say({ tool: 'started' });
        return new Promise(() => undefined);
      }
      return { mode: 'executed', results: calls.map(() => ({ call_id: 'c1', name: 'charge', success: true, output: { charged: 5, by: workerId }, error: null })) };
    },
  });
  const worker = new PostgresWorker({ workspace: ws, registry, pollIntervalMs: 100, ...tools, onError: (runId, err) => process.stderr.write(`${workerId} run ${runId}: ${String(err)}\n`) });
  await worker.start();
  say({ ready: workerId });
  process.on('SIGTERM', () => {
    void worker
      .stop()
      .then(() => ws.close())
      .then(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
