import { type ActorFingerprint, type RunState } from '../../runtime/index';
import { type KeyProtector } from '../../runtime/provenance/index';
import { type RunIndexRow } from '../../runtime/storage/sqlite/index';
import { type RunDetail, type RunSummary } from '../../shared/contract/domain';
import { StudioError } from '../../shared/contract/errors';
import { toRunDetail, toRunSummary, type RunListFacts } from './dto/run-dto';
import { runStopOf } from './dto/run-stop-of';
import { type Downloads } from './downloads';
import { type JobRunner } from './jobs/job-runner';
import { type PathGuard } from './path-guard';
import { type SecretStore } from './secret-store';
import { type WorkspaceTrust } from './workspace-trust';
import { type ServiceEvents } from './service-events';
import { type ReadSession } from './sessions/session';
import { type ControlCapability } from './sessions/session-capabilities';

/** What every operation handler may use. */
export interface ServiceContext {
  readonly events: ServiceEvents;
  readonly jobs: JobRunner;
  readonly guard: PathGuard;
  /** The Studio user's actor id (a human ActorFingerprint), recorded on answers, cancels, restores. */
  readonly actorId: string;
  /** That actor in full: its signing key attests what the user decided. */
  readonly user: ActorFingerprint;
  /** Seals the signing keys kept in each workspace. */
  readonly keyProtector: KeyProtector;
  readonly demoWorkflowDir: string | null;
  readonly secrets: SecretStore;
  /** Exports offered to the browser as downloads (web host). */
  readonly downloads: Downloads;
  /**
   * The desktop app's save dialog (returns the chosen path, or null when the user closed it);
   * absent in the web host, where "save where I choose" is a browser download.
   */
  readonly saveDialog: ((defaultFileName: string) => Promise<string | null>) | null;
  /** Which workspaces the user trusts to load their workflow folders. */
  readonly trust: WorkspaceTrust;
  current(): ReadSession | null;
  switchTo(session: ReadSession): Promise<void>;
  recentWorkspaces(): string[];
}

export function session(ctx: ServiceContext): ReadSession {
  const s = ctx.current();
  if (!s) throw new StudioError('NO_WORKSPACE', 'No workspace is open. Open or create a workspace first.');
  return s;
}

/** The open workspace, when it can be changed (a Python data folder is read-only). */
export function control(ctx: ServiceContext): ControlCapability {
  const s = session(ctx);
  const c = s.capabilities.control;
  // Attached to workers: not read-only (answers are recorded for them), but nothing runs here.
  if (!c && s.capabilities.ask) throw new StudioError('RUNS_DRIVEN_BY_WORKERS', s.capabilities.ask.refusal);
  if (!c) {
    if (s.info.readOnlyReason) throw new StudioError('READ_ONLY', `${s.info.path} cannot be changed: ${s.info.readOnlyReason}`);
    const what = s.info.kind === 'bundle' ? 'an audit bundle' : 'a Python data folder';
    throw new StudioError('READ_ONLY', `${s.info.name} is ${what} opened read-only for audit; runs in it cannot be changed. Open a workspace to run workflows.`);
  }
  return c;
}

/**
 * The open source, when what is asked may change it: one the Studio controls, or one its workers
 * drive (a PostgreSQL workspace: answers, cancels and restores are asked of the workers there,
 * bookmarks and forks are data written here). A read-only source is refused as `control` does.
 */
export function changeable(ctx: ServiceContext): ReadSession {
  const s = session(ctx);
  return s.capabilities.ask ? s : control(ctx);
}

export async function loadRunOr404(s: ReadSession, runId: string): Promise<RunState> {
  const run = await s.loadRun(runId);
  // A deep link to a deleted run says so, and what is left of it, rather than "no run".
  const tomb = run ? null : ((await s.capabilities.archive?.tombstone(runId)) ?? null);
  if (tomb) {
    throw new StudioError('RUN_DELETED', `Run ${runId} (${tomb.workflowId}) was deleted by ${tomb.deletedBy} at ${tomb.deletedAt}. Its tombstone keeps ${tomb.recordCount} records' final head hash ${tomb.headHash ?? '(none)'}.`, { runId, tombstone: tomb });
  }
  if (!run) throw new StudioError('NOT_FOUND', `No run ${runId} in ${s.info.name}. It may belong to another workspace, or have been deleted.`, { runId });
  return run;
}

export function factsOf(s: ReadSession, row: RunIndexRow | null, run: RunState): RunListFacts {
  const runId = run.runId;
  const paused = s.isPaused(runId);
  return {
    childCount: row?.childCount ?? 0,
    ledgerCount: row?.ledgerCount ?? 0,
    forkCount: row?.forkCount ?? 0,
    paused,
    stop: s.stopOf ? s.stopOf(run) : runStopOf(run, { paused, recorded: null, driving: false }),
    archived: row?.archivedAt ? { at: row.archivedAt, by: row.archivedBy ?? '' } : null,
    forkedFrom: row?.forkedFromRunId ? { runId: row.forkedFromRunId, seq: row.forkedFromSeq, headHash: row.forkedFromHeadHash, snapshotId: null } : null,
  };
}

export async function summaryOf(s: ReadSession, run: RunState): Promise<RunSummary> {
  return toRunSummary(run, factsOf(s, await s.runRow(run.runId), run));
}

export async function detailOf(s: ReadSession, runId: string): Promise<RunDetail> {
  const run = await loadRunOr404(s, runId);
  const row = await s.runRow(runId);
  const children = await childrenOf(s, runId);
  const count = row?.ledgerCount ?? (await s.ledgerCount(runId));
  const last = count > 0 ? (await s.ledgerPage(runId, count - 1, 1))[0] : undefined;
  const detail = toRunDetail(run, factsOf(s, row, run), {
    breakpoints: s.breakpointsOf(runId),
    forks: await s.forksOf(runId),
    children,
    ledgerHead: last?.record.recordHash ?? null,
  });
  return { ...detail, ledgerNotice: (await s.ledgerNotice?.(runId)) ?? null, workflowVersion: s.workflowVersionOf?.(run) ?? null };
}

async function childrenOf(s: ReadSession, runId: string): Promise<RunDetail['children']> {
  if (s.capabilities.childIndex) return s.capabilities.childIndex.childrenOf(runId);
  const { items } = await s.queryRuns({ limit: 100_000 });
  return items.filter((r) => r.parentRunId === runId).map((r) => ({ runId: r.runId, workflowId: r.workflowId, status: r.status }));
}
