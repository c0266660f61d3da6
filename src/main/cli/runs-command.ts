/**
 * `studio runs <workspace | python-folder | python-sqlite> [--status s] [--workflow w] [--limit n] [--json]`.
 * A run Python 0.4 paused (still `waiting`, marked in `vars._runtime.control`) reads "paused".
 */
import { resolve } from 'node:path';
import { isRunStatus, RunStatus } from '../../runtime/core/enums';
import { type RunState } from '../../runtime/core/models';
import { pauseOf } from '../../runtime/core/run-control';
import { filterRuns } from '../../runtime/storage/run-queries';
import { type ListRunsQuery } from '../../runtime/storage/run-store';
import { CliUsageError, EXIT_OK, type CliIo } from './cli-io';
import { inputKind, openFolderReadonly, openPythonSqliteReadonly, openWorkspaceReadonly } from './open-input';

export interface RunsOptions {
  path: string;
  status: string | null;
  workflowId: string | null;
  limit: number;
  json: boolean;
}

export interface RunRow {
  runId: string;
  workflowId: string;
  status: RunStatus;
  /** Held by `pause_run` (Python 0.4): the status stays `waiting`. */
  paused: boolean;
  currentNode: string;
  waitReason: string | null;
  waitKey: string | null;
  createdAt: string;
  updatedAt: string;
  parentRunId: string | null;
  error: string | null;
}

export async function runsCommand(io: CliIo, options: RunsOptions): Promise<number> {
  if (options.status !== null && !isRunStatus(options.status)) {
    throw new CliUsageError(`--status must be one of ${Object.values(RunStatus).join(', ')} (got ${JSON.stringify(options.status)}).`);
  }
  const query: ListRunsQuery = { status: options.status, workflowId: options.workflowId, limit: options.limit };
  const rows = (await listRuns(resolve(options.path), query)).map(toRow);
  io.out(options.json ? `${JSON.stringify(rows, null, 2)}\n` : table(rows));
  return EXIT_OK;
}

async function listRuns(path: string, query: ListRunsQuery): Promise<RunState[]> {
  const kind = inputKind(path);
  if (kind === 'python-folder') return (await openFolderReadonly(path)).runStore.listRuns(query);
  if (kind === 'python-sqlite') {
    const store = openPythonSqliteReadonly(path);
    try {
      return filterRuns(store.listRuns(), query);
    } finally {
      store.close();
    }
  }
  const ws = openWorkspaceReadonly(path);
  try {
    return await ws.runs.listRuns(query);
  } finally {
    ws.close();
  }
}

function toRow(run: RunState): RunRow {
  return {
    runId: run.runId,
    workflowId: run.workflowId,
    status: run.status,
    paused: pauseOf(run) !== null,
    currentNode: run.currentNode,
    waitReason: run.waiting?.reason ?? null,
    waitKey: run.waiting?.waitKey ?? null,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    parentRunId: run.parentRunId,
    error: run.error,
  };
}

/** A plain text table, newest first (the store's order), padded to the widest cell per column. */
function table(rows: RunRow[]): string {
  if (rows.length === 0) return 'No runs.\n';
  const header = ['RUN', 'WORKFLOW', 'STATUS', 'NODE', 'WAITING', 'UPDATED'];
  const cells = rows.map((r) => [r.runId, r.workflowId, r.paused ? 'paused' : r.status, r.currentNode, r.waitReason ?? '', r.updatedAt]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]): string => c.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return `${[line(header), ...cells.map(line)].join('\n')}\n${rows.length} run${rows.length === 1 ? '' : 's'}\n`;
}
