/**
 * The shapes the Studio's backend sends to the renderer. Plain data only (they cross IPC and
 * WebSocket). User data (vars, payloads, results, outputs) travels as JSON *text* written the
 * way Python writes it, so `1.0`, `1e-05` and integers beyond 2^53 reach the screen unchanged;
 * the renderer parses it losslessly for display.
 */
import { type RunStop } from './run-stop';

export type RunStatus = 'running' | 'waiting' | 'completed' | 'failed' | 'cancelled';
export type WaitReason = 'event' | 'until' | 'user' | 'job' | 'subworkflow';
export type StepStatus = 'started' | 'completed' | 'waiting' | 'failed';
export type NodeKind = 'start' | 'step' | 'effect' | 'subworkflow' | 'terminal';
/** Verification state of one ledger record, as the hash-chain badge shows it. */
/** `unchained`: the run's records carry no hashes (Python 0.4's default): nothing to check, nothing wrong. */
export type ChainBadge = 'verified' | 'broken' | 'unchecked' | 'unchained';

/** The verdict on a run's ledger: verified, broken (first bad record), or unchained (no hashes at all). */
export type ChainState = 'verified' | 'broken' | 'unchained';

export interface WorkspaceTrustInfo {
  state: 'trusted' | 'refused' | 'undecided';
  /** The folders whose modules would be loaded, as the workspace's settings name them. */
  folders: string[];
}

export interface WorkspaceInfo {
  /** Stable id of the open workspace (its file path, the folder of a Python data folder, or a PostgreSQL URL without its password). */
  id: string;
  name: string;
  path: string;
  kind: 'sqlite' | 'python-folder' | 'python-sqlite' | 'bundle' | 'postgres';
  /** What was opened, in words, for read-only sources ("Python AbstractRuntime 0.4 SQLite store"). */
  layout?: string;
  readOnly: boolean;
  /** Why a Studio workspace is open read-only (a read-only or damaged file, an untrusted workspace). */
  readOnlyReason?: string | null;
  /**
   * For a workspace whose settings name workflow folders: whether the user trusts it to load and
   * run them. Until trusted it is open for inspection only (nothing loaded, nothing run).
   */
  trust?: WorkspaceTrustInfo | null;
  /** Folders of workflow modules the workspace loads. */
  workflowDirs: string[];
  /** Modules that failed to load, each with its file, the line of the first problem when known, and the error. */
  loadErrors: LoadError[];
}

export interface LoadError {
  file: string;
  /** 1-based line of the first problem (a syntax error), when the compiler located it. */
  line?: number | null;
  message: string;
}

export interface WorkflowGraphNode {
  id: string;
  label: string;
  kind: NodeKind;
  effectType: string | null;
  description: string | null;
  /** For subworkflow nodes: the child workflow id. */
  workflowId: string | null;
}

export interface WorkflowInfo {
  workflowId: string;
  description: string | null;
  entryNode: string;
  nodes: WorkflowGraphNode[];
  edges: Array<{ from: string; to: string; label: string | null }>;
  /** Where it was loaded from (a module file), or null for built-in demos. */
  source: string | null;
  /** The loaded version of its module (a hash of its bundled code), or null when not loaded from one. */
  version?: string | null;
}

/**
 * A workflow's graph as its runs drew it, for modules without a hand-written `graph:`: each node's
 * kind from the first effect (or completion) it produced, edges from the transitions runs took.
 */
export interface InferredGraph {
  workflowId: string;
  nodes: Array<{ id: string; kind: NodeKind; effectType: string | null; workflowId: string | null }>;
  /** Transitions runs took, with how many of the scanned runs took each. */
  edges: Array<{ from: string; to: string; runs: number }>;
  /** Runs of the workflow read (the newest ones), and how many there are in all. */
  runsScanned: number;
  runsTotal: number;
}

/** Which version of its workflow's module a run started with, against the one loaded now. */
export interface RunWorkflowVersion {
  started: string;
  /** The version loaded now, or null when the workflow is not loaded. */
  loaded: string | null;
  /** Whether the run still runs the code it started with (false after a Studio restart with a changed module). */
  keepsStarted: boolean;
}

export interface WaitInfo {
  reason: WaitReason;
  waitKey: string | null;
  until: string | null;
  resumeToNode: string | null;
  resultKey: string | null;
  prompt: string | null;
  choices: string[] | null;
  allowFreeText: boolean;
  /** JSON text, or null. */
  detailsJson: string | null;
}

export interface ForkOrigin {
  runId: string;
  seq: number | null;
  headHash: string | null;
  snapshotId: string | null;
}

/** One row of the runs list. */
export interface RunSummary {
  runId: string;
  workflowId: string;
  status: RunStatus;
  currentNode: string;
  waitReason: WaitReason | null;
  /** Short text for the list (the prompt, the event key or the due time). */
  waitLabel: string | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  parentRunId: string | null;
  childCount: number;
  ledgerCount: number;
  /** How many runs were forked from this one (shown as a disclosure that lists them); absent where the source does not count them. */
  forkCount?: number;
  /** True while the run is held for debugging: the scheduler does not advance it. */
  paused: boolean;
  forkedFrom: ForkOrigin | null;
  /** Why the run stands still, as its driver last stated; null while it is being driven. */
  stop: RunStop | null;
  /** Who started it (the runs table's actor column); absent where the source does not say. */
  actorId?: string | null;
  /** Set while the run is archived: left out of the default list, all its data kept. */
  archived?: ArchiveMark | null;
  /** Set for a deleted run: the row is its tombstone, and no data of it is left to open. */
  deleted?: RunTombstoneInfo | null;
}

export interface ArchiveMark {
  at: string;
  by: string;
}

/** What a delete leaves: who, when, and the chain head the run ended on (to match against an export). */
export interface RunTombstoneInfo {
  deletedAt: string;
  deletedBy: string;
  recordCount: number;
  headHash: string | null;
  /** When the run itself last changed, before it was deleted. */
  lastUpdatedAt: string;
}

/** What a bulk action does to each run it is given. */
export type BulkRunAction = 'cancel' | 'retry' | 'archive' | 'unarchive' | 'delete';

/**
 * One run's outcome in a bulk action. A bulk action never stops at the first failure: each run
 * is tried and reported, with the stable error code and the message of the one that failed.
 */
export type BulkRunResult =
  | { runId: string; ok: true; action: BulkRunAction; summary: RunSummary | null; newRunId: string | null }
  | { runId: string; ok: false; action: BulkRunAction; code: string; message: string };

export interface RunDetail extends RunSummary {
  waiting: WaitInfo | null;
  /** The whole RunState as Python writes `run_<id>.json` (indent 2). */
  stateJson: string;
  /** `vars` alone, JSON text (indent 2). */
  varsJson: string;
  outputJson: string | null;
  actorId: string | null;
  sessionId: string | null;
  breakpoints: string[];
  forks: Array<{ runId: string; seq: number | null; createdAt: string }>;
  children: Array<{ runId: string; workflowId: string; status: RunStatus }>;
  ledgerHead: string | null;
  /** How the ledger was read, when the user must know (a torn last line left out), or null. */
  ledgerNotice?: string | null;
  /** The module version the run started with, for sources that record it. */
  workflowVersion?: RunWorkflowVersion | null;
}

/**
 * One ledger record as the timeline shows it: what it was, where, how it went, who, when, and the
 * hashes its chain badge stands on. The record's JSON texts (effect, result, the raw line: most of
 * a record's bytes) are not here: `ledger.record` answers them for the record a person selects.
 */
export interface LedgerEntry {
  seq: number;
  nodeId: string;
  status: StepStatus;
  effectType: string | null;
  /** What the record stands for: an effect attempt, the completion, a resume, a cancel. */
  kind: 'effect' | 'completion' | 'resume' | 'cancel' | 'restore' | 'fork' | 'status' | 'other';
  /** For a system record of Python 0.4, what it did in words ("resumed user:…:confirm with {…}", "run ended: completed"). */
  systemText?: string | null;
  attempt: number;
  startedAt: string;
  endedAt: string | null;
  /** ended - started in milliseconds, when both are known. */
  durationMs: number | null;
  actorId: string | null;
  /**
   * What went wrong in this record, where its status alone does not say it: the error of a failed
   * record, or of a tool call that failed inside an effect that completed. Null when nothing failed.
   * Shortened to LEDGER_FAILURE_PREVIEW characters; the record in full has all of it.
   */
  failure: string | null;
  prevHash: string | null;
  recordHash: string | null;
  /** Where the record sits in its OpenTelemetry trace, when the process that wrote it traced (kept beside the record, not hashed). */
  trace?: { traceId: string; spanId: string } | null;
}

/** How much of a failure a timeline row carries (its tooltip); `ledger.record` has the whole text. */
export const LEDGER_FAILURE_PREVIEW = 300;

/** One ledger record in full, as the record panel shows it (`ledger.record`). */
export interface LedgerRecord extends LedgerEntry {
  runId: string;
  stepId: string;
  error: string | null;
  idempotencyKey: string | null;
  signature: string | null;
  /** Where the record sits in its OpenTelemetry trace, when the process that wrote it traced (kept beside the record, not hashed). */
  trace?: { traceId: string; spanId: string } | null;
  effectJson: string | null;
  resultJson: string | null;
  /** The whole record as the Python JSONL line writes it. */
  recordJson: string;
}

export interface LedgerPage {
  runId: string;
  total: number;
  fromSeq: number;
  entries: LedgerEntry[];
}

export type ChainErrorInfo =
  | { index: number; seq: number; type: 'prev_hash_mismatch'; expectedPrevHash: string | null; actualPrevHash: string | null }
  | { index: number; seq: number; type: 'missing_record_hash' }
  | { index: number; seq: number; type: 'record_hash_mismatch'; stored: string; computed: string }
  | { index: number; seq: number; type: 'column_mismatch'; column: string }
  /** An audit bundle's finding on this record (code as in docs/audit-bundle.md §7), in words. */
  | { index: number; seq: number; type: 'provenance'; code: string; message: string };

export interface ChainSummary {
  runId: string;
  /**
   * What was checked: the id of the source (the workspace file, the Python folder, the bundle)
   * the records were read from. A verdict holds only for its source and, through `count` and
   * `headHash`, for the head it verified: never for another source's run with the same id.
   */
  sourceId: string;
  /** False only when broken: an unchained ledger is ok (there is nothing to check). */
  ok: boolean;
  chain: ChainState;
  count: number;
  verifiedCount: number;
  headHash: string | null;
  firstBadSeq: number | null;
  /**
   * The first seq this verification read: 0 when it walked the whole run; when it continued from
   * the head verified before (nothing else having written to the source since), the seq after it.
   */
  checkedFromSeq: number;
  /** The first problem in words, e.g. "record 57 was changed after it was written: …". */
  explanation: string | null;
  errors: ChainErrorInfo[];
  checkedAt: string;
}

/** An actor the open source knows by name (from its signing keys, or the Studio's own user). */
export interface ActorName {
  actorId: string;
  kind: string;
  displayName: string;
}

/**
 * Where a run went, counted from the states the workspace saved after every step (each names the
 * node to run next), so nodes that ran without an effect, and wrote no ledger record, count too.
 */
export interface RunVisits {
  runId: string;
  /** Runs of each node, in the order the nodes were first reached. */
  visits: Array<{ nodeId: string; count: number }>;
  /** Transitions taken, with how often. */
  transitions: Array<{ from: string; to: string; count: number }>;
  /** Saved states read. */
  states: number;
  /** False when the run has more saved states than one answer reads (the counts cover the first `states`). */
  complete: boolean;
}

export interface StateChange {
  /** Path segments from the root of the run state (`["vars", "answer", "response"]`). */
  path: string[];
  kind: 'added' | 'removed' | 'changed';
  beforeJson: string | null;
  afterJson: string | null;
}

export interface StateAtStep {
  runId: string;
  seq: number;
  stateJson: string;
}

/** The records of a run's conversation (see `ledger.conversation`). */
export interface ConversationRecords {
  runId: string;
  records: LedgerRecord[];
  /** How many records the ledger holds in all (the conversation is read up to `limit` of its own). */
  ledgerTotal: number;
  /** True when more conversation records exist than were returned. */
  truncated: boolean;
}

export interface StateDiff {
  runId: string;
  fromSeq: number;
  toSeq: number;
  changes: StateChange[];
}

/** Everything a person can answer, across all runs. */
export interface PendingPrompt {
  runId: string;
  workflowId: string;
  nodeId: string;
  reason: WaitReason;
  /** 'question' (ask_user), 'approval' (tool calls to approve), 'event' (a wait_event payload), 'timer' (wait_until). */
  kind: 'question' | 'approval' | 'event' | 'timer';
  waitKey: string | null;
  prompt: string | null;
  choices: string[] | null;
  allowFreeText: boolean;
  until: string | null;
  /** Tool calls awaiting approval, JSON text. */
  toolCallsJson: string | null;
  since: string;
}

export interface SnapshotInfo {
  snapshotId: string;
  runId: string;
  stepId: string | null;
  name: string;
  description: string | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  /** The run's node and status at the bookmark. */
  currentNode: string | null;
  status: RunStatus | null;
}

/**
 * What checking an artifact's stored bytes found: `missing` (no artifact of that id), `blob
 * missing` (its metadata names content that is not there), `sha256 mismatch` (the content is not
 * what its name, a sha256, says was stored). A workspace's artifacts, whose blobs live in its own
 * SQLite file (quick_checked on open), answer `ok` when present.
 */
export type ArtifactIntegrity = 'ok' | 'missing' | 'blob missing' | 'sha256 mismatch';

export interface ArtifactInfo {
  artifactId: string;
  contentType: string;
  sizeBytes: number;
  createdAt: string;
  runId: string | null;
  tags: Record<string, string>;
  integrity?: ArtifactIntegrity;
}

export interface ArtifactChunk {
  artifactId: string;
  contentType: string;
  sizeBytes: number;
  offset: number;
  /** Base64 of the bytes read. */
  base64: string;
  eof: boolean;
  /** Whether the bytes are what was stored (a preview of damaged content must say so). */
  integrity?: ArtifactIntegrity;
}

export interface SchedulerStatus {
  running: boolean;
  runsResumed: number;
  runsFailed: number;
  pollCycles: number;
  lastPollAt: string | null;
  lastError: string | null;
  /** Earliest pending wait_until, if any. */
  nextWakeAt: string | null;
  /**
   * A workspace whose workers drive its runs (PostgreSQL): the live ones, by id (`id@host`) with the
   * workflows each can run. There `running` is false (this Studio schedules nothing), and this says who does.
   */
  workers?: Array<{ workerId: string; workflowIds: string[] }> | null;
}

export interface JobProgress {
  jobId: string;
  kind: 'verify' | 'export' | 'import';
  done: number;
  total: number;
  finished: boolean;
  error: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
}

export interface LlmHeaderSetting {
  name: string;
  /** Secret headers (API keys) are kept in the OS keychain when available, never in the workspace file. */
  secret: boolean;
  /** The value of a non-secret header; always null for a secret one (it is never sent back). */
  value: string | null;
  /** For a secret header: whether a value is stored. */
  stored: boolean;
}

export interface ToolSetting {
  name: string;
  description: string;
  /** True when a person must approve each call before it runs. */
  requiresApproval: boolean;
  /** The module that defines it, or null for the Studio's own tools. */
  source: string | null;
}

export interface WorkspaceSettings {
  llm: { baseUrl: string | null; model: string | null; timeoutS: number; headers: LlmHeaderSetting[] };
  tools: ToolSetting[];
  /** Where secrets go: the OS keychain (Electron safeStorage), or this process's memory only (web host). */
  secretStorage: 'os-keychain' | 'memory';
  /** Per million tokens, for the cost shown beside an LLM call; null: no price set. */
  pricing: { promptPerMillion: number | null; completionPerMillion: number | null };
}

export interface LlmCheck {
  ok: boolean;
  message: string;
  latencyMs: number | null;
  model: string | null;
}

/** An audit bundle written by the Studio (one file: ledger, checkpoints, public keys, artifacts, manifest). */
export interface ExportedBundle {
  runId: string;
  /** Where the file was written (on the machine that runs the backend). */
  path: string;
  fileName: string;
  sha256: string;
  sizeBytes: number;
  /** The bundle was verified offline right after writing. */
  verified: boolean;
  /** The verifier's report in words. */
  report: string;
  /**
   * Web host only: the file waits to be fetched once as a browser download at this URL path
   * (relative to the host, token added by the client), then is deleted.
   */
  download: { urlPath: string; expiresAt: string } | null;
}
