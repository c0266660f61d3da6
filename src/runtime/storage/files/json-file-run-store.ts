/**
 * Run checkpoints as `run_<run_id>.json` files, byte-compatible with the Python reference's
 * `JsonFileRunStore`: `json.dump(asdict(run), ensure_ascii=False, indent=2)`, no trailing newline.
 *
 * Where we differ from the reference, on purpose:
 * - writes are atomic (temp file + fsync + rename), so a crash never leaves half a checkpoint;
 * - `load` throws CorruptFileError for a file it cannot read, where Python returns None: a corrupt
 *   run must never look like a missing one (the runtime would report "unknown run", or worse);
 * - a file whose `run_id` differs from its file name is corrupt (it would shadow another run);
 * - queries skip corrupt files like the reference, but report them (`onCorrupt`, `corruptFiles()`).
 */
import { type RunStatus } from '../../core/enums';
import { decodeRunState, encodeRunState } from '../../core/codecs';
import { cloneRunState, type RunState } from '../../core/models';
import { CorruptFileError } from '../../errors';
import { pyJsonDumps } from '../../json/py-dumps';
import { filterChildren, filterDueWaitUntil, filterRuns } from '../run-queries';
import { type ListRunsQuery, type QueryableRunStore } from '../run-store';
import { writeFileAtomic } from './atomic-write';
import { CorruptFileLog, type CorruptFileHandler } from './corrupt-file-log';
import { filePathFor, listMatchingFiles, RUN_FILE, type MatchedFile } from './file-names';
import { ParsedFileCache } from './parsed-file-cache';
import { decodeOrCorrupt, parseJsonBytes, readFileOrNull } from './read-json-file';
import { StoreFolder, type FileStoreOptions } from './store-folder';

export interface JsonFileRunStoreOptions extends FileStoreOptions {
  /** Called for each file a query skips because it cannot be read as a run. */
  onCorrupt?: CorruptFileHandler;
  /** Keep parsed runs between queries, re-reading only changed files (default true). */
  cache?: boolean;
}

// Reads in flight during a scan: enough to hide disk latency, few enough for any fd limit.

/** The run file's exact text: Python's `json.dump(asdict(run), ensure_ascii=False, indent=2)`. */
export function runFileText(run: RunState): string {
  return pyJsonDumps(encodeRunState(run), { indent: 2 });
}

/** Decodes a run file's bytes; anything unreadable, or a run_id other than `expectedRunId`, is corrupt. */
export function decodeRunFile(bytes: Uint8Array, path: string, expectedRunId?: string): RunState {
  const value = parseJsonBytes(bytes, path);
  const run = decodeOrCorrupt(path, () => decodeRunState(value));
  if (expectedRunId !== undefined && run.runId !== expectedRunId) {
    throw new CorruptFileError(path, `it holds run_id ${JSON.stringify(run.runId)}, but its name says ${JSON.stringify(expectedRunId)}`);
  }
  return run;
}

export class JsonFileRunStore implements QueryableRunStore {
  private readonly folder: StoreFolder;
  private readonly corrupt: CorruptFileLog;
  private readonly cache: ParsedFileCache<RunState> | null;

  constructor(
    readonly dir: string,
    options: JsonFileRunStoreOptions = {},
  ) {
    this.folder = new StoreFolder(dir, options);
    this.corrupt = new CorruptFileLog(options.onCorrupt);
    this.cache = options.cache === false ? null : new ParsedFileCache<RunState>();
  }

  get readOnly(): boolean {
    return this.folder.readOnly;
  }

  /** `<dir>/run_<runId>.json`; throws InvalidFileIdError for an id that cannot be a file name. */
  pathFor(runId: string): string {
    return filePathFor(this.dir, RUN_FILE, 'run_id', runId);
  }

  async save(run: RunState): Promise<void> {
    const path = this.pathFor(run.runId);
    this.folder.assertWritable(`saving run ${run.runId}`);
    const text = runFileText(run); // throws NotJsonSerializableError before anything is written
    await this.folder.ensureExists();
    await writeFileAtomic(path, text, { fsync: this.folder.fsync });
    this.cache?.delete(path);
  }

  /** The run, or null when it has no file. Throws CorruptFileError (with the path) for an unreadable file. */
  async load(runId: string): Promise<RunState | null> {
    const path = this.pathFor(runId);
    const bytes = await readFileOrNull(path);
    return bytes === null ? null : decodeRunFile(bytes, path, runId);
  }

  async listRuns(query: ListRunsQuery = {}): Promise<RunState[]> {
    return filterRuns(await this.scan(), query).map(cloneRunState);
  }

  async listDueWaitUntil(query: { nowIso: string; limit?: number }): Promise<RunState[]> {
    return filterDueWaitUntil(await this.scan(), query.nowIso, query.limit).map(cloneRunState);
  }

  async listChildren(query: { parentRunId: string; status?: RunStatus | null }): Promise<RunState[]> {
    return filterChildren(await this.scan(), query.parentRunId, query.status).map(cloneRunState);
  }

  /** Every run in the folder (corrupt files skipped and reported), in file name order. */
  async listAll(): Promise<RunState[]> {
    return (await this.scan()).map(cloneRunState);
  }

  /** The ids of the run files present, sorted, without reading them. */
  async runIds(): Promise<string[]> {
    return (await listMatchingFiles(this.dir, RUN_FILE)).map((f) => f.id);
  }

  /** Paths of the files the last query skipped because they could not be read as runs. */
  corruptFiles(): string[] {
    return this.corrupt.paths();
  }

  /** Reads every run file, as the reference's glob does. The returned states may be cached: copy them. */
  private async scan(): Promise<RunState[]> {
    const files = await listMatchingFiles(this.dir, RUN_FILE);
    this.cache?.retainOnly(new Set(files.map((f) => f.path)));
    return this.corrupt.readEach(files, (file) => this.readForScan(file));
  }

  private async readForScan(file: MatchedFile): Promise<RunState | null> {
    const parse = (bytes: Buffer): RunState => decodeRunFile(bytes, file.path, file.id);
    if (this.cache) return this.cache.get(file.path, parse);
    const bytes = await readFileOrNull(file.path); // deleted since the listing: not corrupt, just gone
    return bytes === null ? null : parse(bytes);
  }
}
