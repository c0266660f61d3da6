/**
 * The two kinds of workspace `copyWorkspace` reads and writes, behind one shape: a SQLite file or
 * a PostgreSQL schema. A target is always built somewhere new (a temporary file beside it, a
 * temporary schema) and put in place only once complete and checked, so a copy that fails
 * half-way leaves nothing that looks like a workspace.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { type ArtifactStore } from '../../artifacts/artifact-store';
import { type RunState, type StepRecord } from '../../core/models';
import { type Clock } from '../../json/timestamp';
import { type ChainCheckpointStore } from '../../provenance/checkpoints/checkpoint-store';
import { type KeyRecordStore } from '../../provenance/keys/key-record-store';
import { type SnapshotStore } from '../../snapshots/snapshot';
import { type LedgerStore } from '../ledger-store';
import { pgDropSchema, pgSchemaExists, pgSwapInSchema, pgTargetIsFree } from '../postgres/pg-schema-admin';
import { parseWorkspaceUrl, PostgresWorkspace } from '../postgres/postgres-workspace';
import { type CheckpointCursor, type CheckpointInfo } from '../sqlite/checkpoints';
import { type RunTombstone } from '../sqlite/run-archive';
import { sqliteAllRunIds, sqliteHasContent, sqliteSetForkOrigins } from '../sqlite/sqlite-copy-queries';
import { SqliteWorkspace } from '../sqlite/sqlite-workspace';
import { type TraceLink } from '../../telemetry/record-spans';
import { CopySourceMissingError, CopyTargetNotEmptyError } from './copy-errors';

/** Every seq a run may have: its trace links are read in one range. */
const ALL_SEQS = 2_147_483_647;

export interface ForkOrigin {
  runId: string;
  seq: number;
  headHash: string | null;
}

export interface ArchivedMark {
  at: string;
  by: string;
}

const markOf = (row: { archivedAt: string | null; archivedBy: string | null } | null): ArchivedMark | null =>
  row?.archivedAt ? { at: row.archivedAt, by: row.archivedBy ?? '' } : null;

export interface CopyStep {
  run: RunState | null;
  records: StepRecord[];
}

/** What the copy reads of a workspace, and writes into one. */
export interface CopySide {
  /** How the workspace is named in messages (never with a password). */
  readonly name: string;
  readonly ledger: LedgerStore;
  readonly artifacts: ArtifactStore;
  readonly snapshots: SnapshotStore;
  readonly actorKeys: KeyRecordStore;
  readonly chainCheckpoints: ChainCheckpointStore;
  load(runId: string): Promise<RunState | null>;
  /** Runs with a row in creation order, then runs with records only. */
  allRunIds(): Promise<string[]>;
  forkOrigin(runId: string): Promise<ForkOrigin | null>;
  listCheckpoints(runId: string, options: { after?: CheckpointCursor; limit?: number }): Promise<CheckpointInfo[]>;
  /** Who wrote each record of the run (by seq), where the workspace knows (see RecordWriterStore). */
  writersOf(runId: string): Promise<Map<number, string>>;
  /** Sets who wrote the run's records at the seqs given (null: no writer known). */
  keepWriters(runId: string, writers: ReadonlyMap<number, string | null>): Promise<void>;
  /** Where each traced record of the run sits in its trace, by seq. */
  traceLinksOf(runId: string): Promise<Map<number, TraceLink>>;
  keepTraceLinks(runId: string, links: ReadonlyMap<number, TraceLink>): Promise<void>;
  /** When and by whom the run was archived, or null. */
  archivedOf(runId: string): Promise<ArchivedMark | null>;
  keepArchived(runId: string, mark: ArchivedMark): Promise<void>;
  /** What is left of the runs deleted here, in creation order. */
  tombstones(): Promise<RunTombstone[]>;
  keepTombstone(t: RunTombstone): Promise<void>;
  /** One run's history, all or none. */
  commitRun(steps: readonly CopyStep[], origin: ForkOrigin | null): Promise<void>;
  close(): Promise<void>;
}

/** A target being built: `finish` puts it in place (or throws COPY_TARGET_NOT_EMPTY), `discard` removes it. */
export interface CopyTarget extends CopySide {
  finish(): Promise<void>;
  discard(): Promise<void>;
}

export const isPostgresUrl = (spec: string): boolean => /^postgres(ql)?:\/\//i.test(spec);

// ----- SQLite -----

class SqliteSide implements CopySide {
  readonly name: string;
  private readonly origins = new Map<string, ForkOrigin>();

  constructor(
    readonly ws: SqliteWorkspace,
    name?: string,
  ) {
    this.name = name ?? ws.path;
  }
  get ledger(): LedgerStore {
    return this.ws.ledger;
  }
  get artifacts(): ArtifactStore {
    return this.ws.artifacts;
  }
  get snapshots(): SnapshotStore {
    return this.ws.snapshots;
  }
  get actorKeys(): KeyRecordStore {
    return this.ws.actorKeys;
  }
  get chainCheckpoints(): ChainCheckpointStore {
    return this.ws.chainCheckpoints;
  }
  load(runId: string): Promise<RunState | null> {
    return this.ws.runs.load(runId);
  }
  async allRunIds(): Promise<string[]> {
    // A read of its own beside the workspace's (which has no listing of every id): read-only.
    return sqliteAllRunIds(this.ws.path);
  }
  forkOrigin(runId: string): Promise<ForkOrigin | null> {
    return this.ws.runs.forkOrigin(runId);
  }
  listCheckpoints(runId: string, options: { after?: CheckpointCursor; limit?: number }): Promise<CheckpointInfo[]> {
    return this.ws.listCheckpoints(runId, options);
  }
  async writersOf(runId: string): Promise<Map<number, string>> {
    return this.ws.recordWriters.writersOf(runId);
  }
  async keepWriters(runId: string, writers: ReadonlyMap<number, string | null>): Promise<void> {
    this.ws.recordWriters.keepWriters(runId, writers);
  }
  async traceLinksOf(runId: string): Promise<Map<number, TraceLink>> {
    return this.ws.ledger.traceLinks(runId, 0, ALL_SEQS);
  }
  async keepTraceLinks(runId: string, links: ReadonlyMap<number, TraceLink>): Promise<void> {
    for (const [seq, link] of links) this.ws.ledger.saveTraceLink(runId, seq, link);
  }
  async archivedOf(runId: string): Promise<ArchivedMark | null> {
    return markOf(this.ws.runIndex.get(runId));
  }
  async keepArchived(runId: string, mark: ArchivedMark): Promise<void> {
    this.ws.archive.setArchived(runId, true, mark.by, mark.at);
  }
  async tombstones(): Promise<RunTombstone[]> {
    // A file from before migration 7 (a read-only source is not migrated) has none.
    return this.ws.schemaVersion >= 7 ? this.ws.archive.tombstones() : [];
  }
  async keepTombstone(t: RunTombstone): Promise<void> {
    this.ws.archive.keepTombstone(t);
  }
  async commitRun(steps: readonly CopyStep[], origin: ForkOrigin | null): Promise<void> {
    this.ws.commitSteps(steps);
    const runId = steps.find((s) => s.run)?.run?.runId;
    if (origin && runId) this.origins.set(runId, origin);
  }
  /** Fork origins go in by hand: the workspace writes them only when it forks a run itself. */
  applyOrigins(): void {
    sqliteSetForkOrigins(this.ws.path, this.origins);
  }
  async close(): Promise<void> {
    this.ws.close();
  }
}

function sqliteIsEmpty(path: string): boolean {
  // Opened through the workspace first, so an older file is migrated before its tables are read.
  SqliteWorkspace.open(path, { readonly: true }).close();
  return !sqliteHasContent(path);
}

const removeSqliteFiles = (path: string): void => {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
};

class SqliteTarget extends SqliteSide implements CopyTarget {
  constructor(
    ws: SqliteWorkspace,
    private readonly finalPath: string,
  ) {
    super(ws, finalPath);
  }
  async finish(): Promise<void> {
    const temp = this.ws.path;
    this.ws.close();
    this.applyOrigins();
    if (existsSync(this.finalPath) && !sqliteIsEmpty(this.finalPath)) throw new CopyTargetNotEmptyError(this.finalPath);
    removeSqliteFiles(this.finalPath);
    renameSync(temp, this.finalPath);
  }
  async discard(): Promise<void> {
    if (!this.ws.closed) this.ws.close();
    removeSqliteFiles(this.ws.path);
  }
}

// ----- PostgreSQL -----

class PgSide implements CopySide {
  constructor(readonly ws: PostgresWorkspace) {}
  get name(): string {
    return this.ws.name;
  }
  get ledger(): LedgerStore {
    return this.ws.ledger;
  }
  get artifacts(): ArtifactStore {
    return this.ws.artifacts;
  }
  get snapshots(): SnapshotStore {
    return this.ws.snapshots;
  }
  get actorKeys(): KeyRecordStore {
    return this.ws.actorKeys;
  }
  get chainCheckpoints(): ChainCheckpointStore {
    return this.ws.chainCheckpoints;
  }
  load(runId: string): Promise<RunState | null> {
    return this.ws.runs.load(runId);
  }
  allRunIds(): Promise<string[]> {
    return this.ws.runs.allRunIds();
  }
  forkOrigin(runId: string): Promise<ForkOrigin | null> {
    return this.ws.runs.forkOrigin(runId);
  }
  listCheckpoints(runId: string, options: { after?: CheckpointCursor; limit?: number }): Promise<CheckpointInfo[]> {
    return this.ws.listCheckpoints(runId, options);
  }
  writersOf(runId: string): Promise<Map<number, string>> {
    return this.ws.recordWriters.writersOf(runId);
  }
  keepWriters(runId: string, writers: ReadonlyMap<number, string | null>): Promise<void> {
    return this.ws.recordWriters.keepWriters(runId, writers);
  }
  traceLinksOf(runId: string): Promise<Map<number, TraceLink>> {
    return this.ws.ledger.traceLinks(runId, 0, ALL_SEQS);
  }
  async keepTraceLinks(runId: string, links: ReadonlyMap<number, TraceLink>): Promise<void> {
    for (const [seq, link] of links) await this.ws.ledger.saveTraceLink(runId, seq, link);
  }
  async archivedOf(runId: string): Promise<ArchivedMark | null> {
    return markOf(await this.ws.runIndex.get(runId));
  }
  async keepArchived(runId: string, mark: ArchivedMark): Promise<void> {
    await this.ws.archive.setArchived(runId, true, mark.by, mark.at);
  }
  tombstones(): Promise<RunTombstone[]> {
    return this.ws.archive.tombstones();
  }
  keepTombstone(t: RunTombstone): Promise<void> {
    return this.ws.archive.keepTombstone(t);
  }
  async commitRun(steps: readonly CopyStep[], origin: ForkOrigin | null): Promise<void> {
    await this.ws.commitSteps(steps.map((s, i) => ({ ...s, origin: i === 0 ? origin : null })));
  }
  close(): Promise<void> {
    return this.ws.close();
  }
}

class PgTarget extends PgSide implements CopyTarget {
  constructor(
    ws: PostgresWorkspace,
    private readonly url: string,
    private readonly finalSchema: string,
    private readonly finalName: string,
  ) {
    super(ws);
  }
  override get name(): string {
    return this.finalName;
  }
  async finish(): Promise<void> {
    const temp = this.ws.schema;
    await this.ws.close();
    if (!(await pgSwapInSchema(this.url, temp, this.finalSchema))) throw new CopyTargetNotEmptyError(this.finalName);
  }
  async discard(): Promise<void> {
    await this.ws.close();
    await pgDropSchema(this.url, this.ws.schema);
  }
}

// ----- opening -----

/** Opens the source, read-only for a SQLite file; a PostgreSQL schema must exist (opening would create it). */
export async function openCopySource(spec: string): Promise<CopySide> {
  if (isPostgresUrl(spec)) {
    const { name, schema } = parseWorkspaceUrl(spec, undefined);
    if (!(await pgSchemaExists(spec))) throw new CopySourceMissingError(`${name} (schema ${schema})`, 'there is no such schema');
    return new PgSide(await PostgresWorkspace.open(spec));
  }
  const path = resolve(spec);
  if (!existsSync(path)) throw new CopySourceMissingError(path, 'there is no such file');
  return new SqliteSide(SqliteWorkspace.open(path, { readonly: true }));
}

/**
 * Checks the target is free (COPY_TARGET_NOT_EMPTY if not, before anything is written) and
 * opens a temporary workspace beside it; `clock` stamps artifacts and snapshots (the copy sets it
 * to each one's own time).
 */
export async function openCopyTarget(spec: string, clock: Clock, suffix: string): Promise<CopyTarget> {
  if (isPostgresUrl(spec)) {
    const { name, schema } = parseWorkspaceUrl(spec, undefined);
    if (!(await pgTargetIsFree(spec))) throw new CopyTargetNotEmptyError(`${name} (schema ${schema})`);
    const temp = `${schema.slice(0, 40)}_copy_${suffix}`.slice(0, 63);
    return new PgTarget(await PostgresWorkspace.open(spec, { schema: temp, clock }), spec, schema, `${name} (schema ${schema})`);
  }
  const path = resolve(spec);
  if (existsSync(path) && !sqliteIsEmpty(path)) throw new CopyTargetNotEmptyError(path);
  const temp = join(dirname(path), `.${basename(path)}.copy-${suffix}`);
  removeSqliteFiles(temp);
  return new SqliteTarget(SqliteWorkspace.open(temp, { clock }), path);
}
