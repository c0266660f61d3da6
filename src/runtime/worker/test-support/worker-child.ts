/**
 * One worker process of the crash test (argv: url, schema, worker id, lease TTL ms): drives the
 * crash workflow until SIGTERM (then stops cleanly) or SIGKILL (the point of the test). Prints
 * its lease owner id first. Run with `node --import tsx worker-child.ts ...`.
 */
import pg from 'pg';
import { WorkflowRegistry } from '../../scheduler/workflow-registry';
import { PostgresWorkspace } from '../../storage/postgres/postgres-workspace';
import { PostgresWorker } from '../postgres-worker';
import { crashWorkflow, tallyHandler } from './crash-workflow';

async function main(): Promise<void> {
  const [url, schema, workerId, ttl] = process.argv.slice(2) as [string, string, string, string];
  const ws = await PostgresWorkspace.open(url, { schema, writer: `${workerId}@test-host`, leaseTtlMs: Number(ttl), poolSize: 6 });
  const side = new pg.Pool({ connectionString: url, max: 2 });
  const registry = new WorkflowRegistry();
  registry.register(crashWorkflow);
  const worker = new PostgresWorker({
    workspace: ws,
    registry,
    concurrency: 4,
    pollIntervalMs: 50,
    effectHandlers: { tool_calls: tallyHandler(side, schema, workerId) },
    onError: (runId, err) => process.stderr.write(`worker ${workerId} run ${runId}: ${String(err)}\n`),
  });
  await worker.start();
  process.stdout.write(`${JSON.stringify({ ownerId: ws.ownerId, workerId })}\n`);
  process.on('SIGTERM', () => {
    void (async () => {
      await worker.stop();
      await ws.close();
      await side.end();
      process.exit(0);
    })();
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
