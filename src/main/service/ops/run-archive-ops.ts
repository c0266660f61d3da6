import { formatIsoTimestamp, RuntimeError, systemClock } from '../../../runtime/index';
import { type BulkRunAction, type BulkRunResult, type RunSummary } from '../../../shared/contract/domain';
import { StudioError } from '../../../shared/contract/errors';
import { type Request, type ResponseMap } from '../../../shared/contract/operations';
import { changeable, control, loadRunOr404, summaryOf, type ServiceContext } from '../service-context';
import { type ReadSession } from '../sessions/session';
import { type ArchiveCapability } from '../sessions/session-capabilities';
import { tombstoneSummary } from '../dto/tombstone-dto';
import { cancelRun } from './run-ops';

const FINISHED = new Set(['completed', 'failed', 'cancelled']);
const now = (): string => formatIsoTimestamp(systemClock.nowMicros());

/** Where archive flags and tombstones are kept: the open workspace (SQLite, or PostgreSQL), never a read-only source. */
function keeper(ctx: ServiceContext): { s: ReadSession; archive: ArchiveCapability } {
  const s = changeable(ctx);
  const archive = s.capabilities.archive;
  if (!archive) throw new StudioError('READ_ONLY', `${s.info.name} keeps no archive flags or tombstones: runs in it cannot be archived or deleted. Nothing was changed.`);
  return { s, archive };
}

type One = (ctx: ServiceContext, runId: string) => Promise<{ summary: RunSummary | null; newRunId: string | null }>;

/** Cancel a run still going (and its children); a finished run is reported, not touched. */
const cancelOne: One = async (ctx, runId) => {
  const run = await loadRunOr404(changeable(ctx), runId);
  if (FINISHED.has(run.status)) throw new StudioError('RUN_FINISHED', `Run ${runId} already ${run.status}: there is nothing to cancel.`, { runId });
  const changed = await cancelRun(ctx, { runId, reason: 'Cancelled in the Studio (bulk)', withChildren: true });
  return { summary: changed.find((r) => r.runId === runId) ?? null, newRunId: null };
};

/**
 * Retry: a new run from the failed or cancelled run's start (its first state, so the same
 * inputs), linked to it as a fork so the attempt is traceable. A completed run is not retried.
 */
const retryOne: One = async (ctx, runId) => {
  const read = changeable(ctx);
  const run = await loadRunOr404(read, runId);
  if (run.status !== 'failed' && run.status !== 'cancelled') {
    throw new StudioError(run.status === 'completed' ? 'RUN_FINISHED' : 'RUN_NOT_FINISHED', `Run ${runId} is ${run.status}: only a failed or cancelled run is retried.`, { runId });
  }
  const ask = read.capabilities.ask;
  if (ask) {
    // Attached to workers: the retry is a fork written here, and a worker drives it.
    const fork = await ask.fork({ runId, atSeq: -1, actorId: ctx.actorId });
    return { summary: await summaryOf(read, fork), newRunId: fork.runId };
  }
  const s = control(ctx);
  if (!s.registry.get(run.workflowId)) throw new StudioError('NOT_FOUND', `Workflow '${run.workflowId}' is not loaded, so run ${runId} cannot be retried here.`, { runId });
  const fork = await s.ws.forkRun({ runId, atSeq: -1, actorId: ctx.actorId });
  s.driver.kick(fork.runId);
  return { summary: await summaryOf(s, fork), newRunId: fork.runId };
};

/** Archive and unarchive are for finished runs: a run still going belongs in the list. */
const archiveOne = (archived: boolean): One => async (ctx, runId) => {
  const { s, archive } = keeper(ctx);
  const run = await loadRunOr404(s, runId);
  if (archived && !FINISHED.has(run.status)) throw new StudioError('RUN_NOT_FINISHED', `Run ${runId} is ${run.status}: only a finished run is archived. Cancel it first.`, { runId });
  await archive.setArchived(runId, archived, ctx.actorId, now());
  return { summary: await summaryOf(s, run), newRunId: null };
};

const deleteOne: One = async (ctx, runId) => {
  const { s, archive } = keeper(ctx);
  const run = await loadRunOr404(s, runId);
  const t = await archive.deleteRun(run, ctx.actorId, now());
  return { summary: tombstoneSummary(t), newRunId: null };
};

const ACTIONS: Record<BulkRunAction, One> = {
  cancel: cancelOne,
  retry: retryOne,
  archive: archiveOne(true),
  unarchive: archiveOne(false),
  delete: deleteOne,
};

/** One action over many runs, each on its own: one run's refusal never stops the others. */
export async function bulkRuns(ctx: ServiceContext, req: Request<'runs.bulk'>): Promise<ResponseMap['runs.bulk']> {
  changeable(ctx); // a read-only source refuses the whole request, once
  const out: BulkRunResult[] = [];
  for (const runId of new Set(req.runIds)) {
    try {
      const r = await ACTIONS[req.action](ctx, runId);
      out.push({ runId, ok: true, action: req.action, ...r });
    } catch (e) {
      const code = e instanceof StudioError || e instanceof RuntimeError ? e.code : 'INTERNAL';
      out.push({ runId, ok: false, action: req.action, code, message: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}
