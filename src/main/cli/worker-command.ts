/** `studio worker --workspace postgres://… --workflows <dir> [--concurrency N] [--id NAME]`. */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { ApprovalToolExecutor, makeToolCallsHandler, MappingToolExecutor, type ToolFunction } from '../../runtime/integrations/index';
import { WorkflowRegistry } from '../../runtime/scheduler/workflow-registry';
import { PostgresWorkspace } from '../../runtime/storage/postgres/postgres-workspace';
import { PostgresWorker } from '../../runtime/worker/postgres-worker';
import { loadWorkflowFolders } from '../service/workflow-loader';
import { CliUsageError, EXIT_OK, type CliIo } from './cli-io';

export interface WorkerOptions {
  workspace: string | null;
  workflows: string | null;
  concurrency: number;
  /** The worker's stable id (default `worker-<pid>`); records say `<id>@<host>`. */
  id: string | null;
  /** Ends the worker (default: SIGINT or SIGTERM). */
  signal?: AbortSignal;
}

function untilSignal(signal: AbortSignal | undefined): Promise<void> {
  if (signal) return signal.aborted ? Promise.resolve() : new Promise((r) => signal.addEventListener('abort', () => r(), { once: true }));
  return new Promise((r) => {
    process.once('SIGINT', () => r());
    process.once('SIGTERM', () => r());
  });
}

/**
 * Drives the runs of a PostgreSQL workspace with the workflows of a folder until stopped, then
 * finishes the steps in hand and gives its leases back. Run it on as many machines as you like.
 */
export async function workerCommand(io: CliIo, options: WorkerOptions): Promise<number> {
  if (!options.workspace || !/^postgres(ql)?:\/\//.test(options.workspace)) {
    throw new CliUsageError('worker needs --workspace postgres://user:password@host:port/database (a PostgreSQL workspace).');
  }
  if (!options.workflows) throw new CliUsageError('worker needs --workflows <folder> (the workflow modules it may run).');
  const loaded = await loadWorkflowFolders([resolve(options.workflows)]);
  for (const e of loaded.errors) io.err(`studio worker: ${e.file}: ${e.message}\n`);
  const registry = new WorkflowRegistry();
  for (const wf of loaded.modules.flatMap((m) => m.workflows)) if (!registry.has(wf.workflowId)) registry.register(wf);
  if (registry.size === 0) throw new CliUsageError(`no workflows found in ${resolve(options.workflows)}.`);
  const writer = `${options.id ?? `worker-${process.pid}`}@${hostname()}`;
  const ws = await PostgresWorkspace.open(options.workspace, { writer, poolSize: options.concurrency + 2 });
  // The folder's tools run here: in `tool_calls` effects, and when a person approves a call in an
  // attached Studio (the worker carries the approval out; the Studio runs no tool).
  const tools = loaded.modules.flatMap((m) => m.tools) as unknown as ToolFunction[];
  const toolExecutor = new ApprovalToolExecutor({
    inner: MappingToolExecutor.fromTools(tools),
    requiresApproval: (name) => tools.some((t) => t.toolDefinition?.name === name && (t.toolDefinition as { requiresApproval?: boolean }).requiresApproval === true),
  });
  const worker = new PostgresWorker({
    workspace: ws,
    registry,
    concurrency: options.concurrency,
    effectHandlers: { tool_calls: makeToolCallsHandler(toolExecutor) },
    toolExecutor,
    onError: (runId, err) => io.err(`studio worker: run ${runId}: ${err instanceof Error ? err.message : String(err)}\n`),
  });
  try {
    // Registers in the workspace's worker registry first: refused (WORKER_ID_IN_USE) while a live worker has this id.
    await worker.start();
    io.out(`studio worker ${writer} on ${ws.name}: ${registry.listIds().join(', ')} (concurrency ${options.concurrency}); carries out what attached Studios ask of these runs\n`);
    await untilSignal(options.signal);
    await worker.stop();
  } finally {
    await ws.close();
  }
  const st = worker.stats;
  io.out(`studio worker ${writer} stopped: ${st.runsDriven} runs driven, ${st.requests} requests carried out, ${st.parentsResumed} parents resumed, ${st.leasesLost} leases lost.\n`);
  return EXIT_OK;
}
