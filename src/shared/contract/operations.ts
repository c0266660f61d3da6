/**
 * Every operation the renderer may ask for: its request schema (validated at the edge, before
 * anything reaches the service) and its response type. Both transports (Electron IPC and the web
 * host) are typed from this one map, so they cannot drift apart.
 */
import { z } from 'zod';
import {
  type ActorName,
  type BulkRunResult,
  type ArtifactChunk,
  type ArtifactIntegrity,
  type ArtifactInfo,
  type ChainSummary,
  type ConversationRecords,
  type ExportedBundle,
  type InferredGraph,
  type JobProgress,
  type LlmCheck,
  type LedgerPage,
  type LedgerRecord,
  type Page,
  type PendingPrompt,
  type RunDetail,
  type RunSummary,
  type RunVisits,
  type SchedulerStatus,
  type SnapshotInfo,
  type StateAtStep,
  type StateDiff,
  type WorkflowInfo,
  type WorkspaceInfo,
  type WorkspaceSettings,
} from './domain';

const id = z.string().min(1).max(200);
const shortText = z.string().max(500);
const path = z.string().min(1).max(4096);
/** JSON text typed or pasted by a person (a prompt answer, an event payload). 1 MiB at most. */
const jsonText = z.string().max(1024 * 1024);
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const runStatus = z.enum(['running', 'waiting', 'completed', 'failed', 'cancelled']);
const waitReason = z.enum(['event', 'until', 'user', 'job', 'subworkflow']);
const tags = z.array(z.string().min(1).max(100)).max(50);

export const requestSchemas = {
  'workspace.current': z.object({}).strict(),
  'workspace.list': z.object({}).strict(),
  'workspace.open': z.object({ path }).strict(),
  'workspace.create': z.object({ path }).strict(),
  /** The user's answer to "load the code this workspace names?"; reopens it accordingly. */
  'workspace.trust': z.object({ path, trusted: z.boolean() }).strict(),
  'workspace.openPythonFolder': z.object({ path }).strict(),
  'workspace.openBundle': z.object({ path }).strict(),

  'workflows.list': z.object({}).strict(),
  /**
   * Adds a folder of workflow modules to the open workspace's settings, then reopens it: a new
   * folder list is asked about again (workspace trust), so none of its code runs before that.
   */
  'workflows.addFolder': z.object({ path }).strict(),
  /** The graph a workflow's runs drew: node kinds from their first effects, edges from their transitions. */
  'workflows.inferred': z.object({ workflowId: id }).strict(),
  'workspace.actors': z.object({}).strict(),

  'runs.query': z
    .object({
      status: runStatus.nullish(),
      workflowId: id.nullish(),
      waitReason: waitReason.nullish(),
      text: shortText.nullish(),
      sort: z.enum(['updated_desc', 'updated_asc', 'created_desc', 'created_asc']).default('updated_desc'),
      offset: z.number().int().min(0).max(10_000_000).default(0),
      limit: z.number().int().min(1).max(1000).default(200),
      topLevelOnly: z.boolean().default(false),
      parentRunId: id.nullish(),
      /** Only the runs forked from this run (what a parent's disclosure lists, and `fork:<run id>`). */
      forkOf: id.nullish(),
      /** Forks listed under their parent (its forkCount), not among the top-level runs, while the parent is listed. */
      nestForks: z.boolean().default(false),
      /** Archived runs: left out (the default list), the only ones (`archived:yes`), or both. */
      archived: z.enum(['exclude', 'only', 'include']).default('exclude'),
      /** Tombstones of deleted runs: left out, the only ones (`status:deleted`), or listed among the runs. */
      deleted: z.enum(['exclude', 'only', 'include']).default('exclude'),
    })
    .strict(),
  /**
   * One action on many runs (the runs table's selection). Each run is tried on its own; the
   * answer says, run by run, what happened or why not. At most 500 runs a request.
   */
  'runs.bulk': z.object({ action: z.enum(['cancel', 'retry', 'archive', 'unarchive', 'delete']), runIds: z.array(id).min(1).max(500) }).strict(),
  'runs.get': z.object({ runId: id }).strict(),
  'runs.visits': z.object({ runId: id }).strict(),
  'runs.start': z
    .object({ workflowId: id, varsJson: jsonText.nullish(), pausedAtEntry: z.boolean().default(false) })
    .strict(),
  /**
   * `expect` is where the person saw the run when they pressed Step: if it has moved on since
   * (another drive, a timer, another window), the step is refused with RUN_MOVED_ON.
   */
  'runs.step': z.object({ runId: id, expect: z.object({ currentNode: id, updatedAt: z.string().max(100) }).strict().optional() }).strict(),
  'runs.continue': z.object({ runId: id }).strict(),
  'runs.pause': z.object({ runId: id }).strict(),
  'runs.setBreakpoint': z.object({ runId: id, nodeId: id, enabled: z.boolean() }).strict(),
  'runs.cancel': z.object({ runId: id, reason: shortText.nullish(), withChildren: z.boolean().default(true) }).strict(),
  'runs.resumeEvent': z.object({ runId: id, waitKey: z.string().max(1000).nullable(), payloadJson: jsonText }).strict(),
  'runs.fastForward': z.object({ runId: id }).strict(),

  'ledger.page': z
    .object({
      runId: id,
      fromSeq: seq.default(0),
      limit: z.number().int().min(1).max(5000).default(500),
      status: z.enum(['started', 'completed', 'waiting', 'failed']).nullish(),
      effectType: z.string().max(100).nullish(),
      nodeId: id.nullish(),
    })
    .strict(),
  /** One record in full (effect, result, the raw line), for the record a person selected. */
  'ledger.record': z.object({ runId: id, seq }).strict(),
  'ledger.verify': z.object({ runId: id }).strict(),
  'ledger.stateAt': z.object({ runId: id, seq }).strict(),
  'ledger.diff': z.object({ runId: id, fromSeq: seq.nullable(), toSeq: seq }).strict(),
  /**
   * The records a conversation is made of (llm_call, tool_calls, ask_user, and the resumes and
   * restores between them), in full and in ledger
   * order, from the start; `limit` bounds the answer (`truncated` says when more were left out).
   */
  'ledger.conversation': z.object({ runId: id, limit: z.number().int().min(1).max(2000).default(500) }).strict(),

  'prompts.list': z.object({}).strict(),
  'prompts.answer': z.object({ runId: id, waitKey: z.string().max(1000).nullable(), payloadJson: jsonText }).strict(),

  'snapshots.list': z.object({ runId: id.nullish(), tag: z.string().max(100).nullish(), query: shortText.nullish() }).strict(),
  'snapshots.create': z
    /** `seq`: bookmark the state after that record (time travel); absent: the run's current state. */
    .object({ runId: id, seq: seq.optional(), name: z.string().min(1).max(200), description: z.string().max(2000).nullish(), tags: tags.default([]) })
    .strict(),
  'snapshots.update': z
    .object({ snapshotId: id, name: z.string().min(1).max(200).optional(), description: z.string().max(2000).nullish(), tags: tags.optional() })
    .strict(),
  'snapshots.delete': z.object({ snapshotId: id }).strict(),
  'snapshots.previewRestore': z.object({ snapshotId: id }).strict(),
  'snapshots.restore': z.object({ snapshotId: id }).strict(),
  'runs.fork': z
    /**
     * `varsJson`: the vars the fork starts with instead of the source's (a person edited them in
     * the fork dialog); parsed losslessly, and the diff is recorded in the fork's origin.
     */
    .object({ runId: id.optional(), seq: seq.optional(), snapshotId: id.optional(), pausedAtEntry: z.boolean().default(true), varsJson: jsonText.optional() })
    .strict()
    .refine((r) => (r.snapshotId !== undefined) !== (r.runId !== undefined), { message: 'give either snapshotId, or runId (with an optional seq)' }),

  /**
   * Re-drives a run whose LLM call failed, from the state before that call (recorded in the ledger
   * with who asked). `seq` is the failed record the person saw: if the run has moved on since,
   * nothing is done (RUN_MOVED_ON).
   */
  'runs.retryLlm': z.object({ runId: id, seq }).strict(),

  /**
   * `workspace`: into `<workspace folder>/exports/`. `choose`: where the user says: a save dialog
   * in the desktop app, a browser download from the web host (the answer's `download`).
   */
  'runs.exportBundle': z.object({ runId: id, includeArtifacts: z.boolean().default(true), destination: z.enum(['workspace', 'choose']).default('workspace') }).strict(),

  'artifacts.list': z.object({ runId: id.nullish(), limit: z.number().int().min(1).max(10_000).default(1000) }).strict(),
  'artifacts.read': z
    .object({ artifactId: id, offset: z.number().int().min(0).default(0), length: z.number().int().min(1).max(1024 * 1024).default(64 * 1024) })
    .strict(),
  /** The integrity of the artifacts `{"$artifact": id}` references name (a view checks its links). */
  'artifacts.check': z.object({ artifactIds: z.array(id).max(500) }).strict(),

  'settings.get': z.object({}).strict(),
  'settings.update': z
    .object({
      llm: z
        .object({
          baseUrl: z.url({ protocol: /^https?$/ }).max(2000).nullable().optional(),
          model: z.string().min(1).max(200).nullable().optional(),
          timeoutS: z.number().min(1).max(3600).optional(),
          headers: z
            .array(z.object({ name: z.string().regex(/^[A-Za-z0-9-]{1,100}$/), secret: z.boolean(), value: z.string().max(8000).nullable().optional() }).strict())
            .max(20)
            .optional(),
        })
        .strict()
        .optional(),
      toolApproval: z.record(z.string().max(200), z.boolean()).optional(),
      /** Prices in the user's currency per million tokens; null: no price (no cost is shown). */
      pricing: z
        .object({ promptPerMillion: z.number().min(0).max(1_000_000).nullable(), completionPerMillion: z.number().min(0).max(1_000_000).nullable() })
        .strict()
        .optional(),
    })
    .strict(),
  'settings.testLlm': z.object({}).strict(),

  'scheduler.status': z.object({}).strict(),
  'jobs.get': z.object({ jobId: id }).strict(),
} as const;

export type OperationName = keyof typeof requestSchemas;
/** What the caller passes (defaults may be omitted). */
export type RequestInput<K extends OperationName> = z.input<(typeof requestSchemas)[K]>;
/** What the service receives, defaults applied. */
export type Request<K extends OperationName> = z.output<(typeof requestSchemas)[K]>;

export interface RestorePreview {
  snapshot: SnapshotInfo;
  changes: StateDiff['changes'];
}

export interface ResponseMap {
  'workspace.current': WorkspaceInfo | null;
  'workspace.list': WorkspaceInfo[];
  'workspace.open': WorkspaceInfo;
  'workspace.create': WorkspaceInfo;
  'workspace.trust': WorkspaceInfo;
  'workspace.openPythonFolder': WorkspaceInfo;
  /** Opens an audit bundle read-only: its run, ledger and artifacts, with the bundle's verification. */
  'workspace.openBundle': WorkspaceInfo;
  'workflows.list': WorkflowInfo[];
  'workflows.addFolder': WorkspaceInfo;
  'workflows.inferred': InferredGraph;
  /** The actors with a name (who answered, cancelled, restored), so screens show names, not ids. */
  'workspace.actors': ActorName[];
  'runs.query': Page<RunSummary>;
  'runs.get': RunDetail;
  /** The run's path counted from its saved states, or null when the source keeps none (a Python folder, a bundle). */
  'runs.visits': RunVisits | null;
  'runs.start': RunDetail;
  'runs.step': RunDetail;
  'runs.continue': RunDetail;
  'runs.pause': RunDetail;
  'runs.setBreakpoint': RunDetail;
  'runs.cancel': RunSummary[];
  'runs.bulk': BulkRunResult[];
  'runs.resumeEvent': RunDetail;
  'runs.fastForward': RunDetail;
  'ledger.page': LedgerPage;
  'ledger.record': LedgerRecord;
  /** Starts a verification job; progress and the result arrive as events, and from `jobs.get`. */
  'ledger.verify': { jobId: string };
  'ledger.stateAt': StateAtStep;
  'ledger.diff': StateDiff;
  'ledger.conversation': ConversationRecords;
  'prompts.list': PendingPrompt[];
  'prompts.answer': RunDetail;
  'snapshots.list': SnapshotInfo[];
  'snapshots.create': SnapshotInfo;
  'snapshots.update': SnapshotInfo;
  'snapshots.delete': { deleted: boolean };
  'snapshots.previewRestore': RestorePreview;
  'snapshots.restore': RunDetail;
  'runs.fork': RunDetail;
  'runs.retryLlm': RunDetail;
  /** A save dialog closed without choosing a place is the error EXPORT_CANCELLED (nothing was written). */
  'runs.exportBundle': ExportedBundle;
  'artifacts.list': ArtifactInfo[];
  'artifacts.read': ArtifactChunk;
  'artifacts.check': Array<{ artifactId: string; integrity: ArtifactIntegrity }>;
  'settings.get': WorkspaceSettings;
  'settings.update': WorkspaceSettings;
  'settings.testLlm': LlmCheck;
  'scheduler.status': SchedulerStatus;
  'jobs.get': JobProgress & { result: ChainSummary | null };
}

export type Response<K extends OperationName> = ResponseMap[K];

export const operationNames = Object.keys(requestSchemas) as OperationName[];

export function isOperationName(name: unknown): name is OperationName {
  return typeof name === 'string' && Object.hasOwn(requestSchemas, name);
}
