/**
 * The ledger as `ledger_<run_id>.jsonl` files, byte-compatible with the Python reference's
 * `JsonlLedgerStore`: one `json.dumps(asdict(record), ensure_ascii=False)` per line (separators
 * ", " and ": "), then "\n". Wrap it in HashChainedLedgerStore to chain the records.
 *
 * Safety beyond the reference:
 * - the line is serialised when `append` is called (the runtime mutates the same record object
 *   afterwards) and written with one write to a file opened for append, one append at a time per
 *   run, so lines never interleave;
 * - an append never glues its line to a last line cut short by a crash: it refuses (the chain
 *   decorator refuses earlier, when it reads the head);
 * - every line is parsed strictly and losslessly; a bad line is a CorruptLedgerLineError naming
 *   the file and the line, never a skipped record.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { decodeStepRecord, encodeStepRecord } from '../../core/codecs';
import { type StepRecord } from '../../core/models';
import { JsonParseError, parseJsonSequence } from '../../json/parse';
import { pyJsonDumps } from '../../json/py-dumps';
import { isJsonObject, type JsonObject } from '../../json/json-value';
import { type LedgerStore } from '../ledger-store';
import { syncFolder } from './atomic-write';
import { filePathFor, LEDGER_FILE, listMatchingFiles } from './file-names';
import { CorruptLedgerLineError } from './file-store-errors';
import { lineNumberAt, readJsonlLines, readLastLine, type JsonlLine } from './jsonl-lines';
import { KeyedQueue } from './keyed-queue';
import { StoreFolder, type FileStoreOptions } from './store-folder';

export type JsonlLedgerStoreOptions = FileStoreOptions;

/** A ledger's last line, cut short inside its write: `line` is 1-based. */
export interface TornTail {
  path: string;
  line: number;
  reason: string;
}

/** The exact JSONL line Python writes for a record, "\n" included. */
export function ledgerLineText(record: StepRecord): string {
  return `${pyJsonDumps(encodeStepRecord(record))}\n`;
}

/** One ledger line as the snake_case dict it holds (unknown keys kept, numbers lossless). */
export function parseLedgerLine(line: JsonlLine, path: string): JsonObject {
  const records = parseLedgerLineRecords(line, path);
  if (records.length !== 1) throw new CorruptLedgerLineError(path, line.line, `a ledger line must hold one JSON object (it holds ${records.length})`);
  return records[0]!;
}

/**
 * The records of one line: usually one object, but Python 0.4 reads a line holding several
 * objects written back to back, so a reader of its folders does too.
 */
export function parseLedgerLineRecords(line: JsonlLine, path: string): JsonObject[] {
  if (line.undecodable) throw new CorruptLedgerLineError(path, line.line, 'the bytes are not valid UTF-8');
  let values;
  try {
    values = parseJsonSequence(line.text);
  } catch (err) {
    if (!(err instanceof JsonParseError)) throw err;
    const cut = line.terminated ? '' : ' (the file ends inside this line: a write cut short?)';
    throw new CorruptLedgerLineError(path, line.line, `invalid JSON at column ${err.column}: ${err.reason}${cut}`);
  }
  const objects: JsonObject[] = [];
  for (const v of values) {
    if (!isJsonObject(v)) throw new CorruptLedgerLineError(path, line.line, 'a ledger line must hold a JSON object');
    objects.push(v);
  }
  return objects;
}

export function decodeLedgerDict(dict: JsonObject, path: string, line: number): StepRecord {
  try {
    return decodeStepRecord(dict);
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'INVALID_ARGUMENT') throw new CorruptLedgerLineError(path, line, err.message);
    throw err;
  }
}

// Idempotency keys written verbatim in a line (no JSON escaping can change them) can be found by
// a substring test before parsing: findCompleted then parses only the candidate lines.
const VERBATIM_KEY = /^[\x20-\x7e]+$/;

export class JsonlLedgerStore implements LedgerStore {
  private readonly folder: StoreFolder;
  private readonly queue = new KeyedQueue();

  constructor(
    readonly dir: string,
    options: JsonlLedgerStoreOptions = {},
  ) {
    this.folder = new StoreFolder(dir, options);
  }

  get readOnly(): boolean {
    return this.folder.readOnly;
  }

  /** `<dir>/ledger_<runId>.jsonl`; throws InvalidFileIdError for an id that cannot be a file name. */
  pathFor(runId: string): string {
    return filePathFor(this.dir, LEDGER_FILE, 'run_id', runId);
  }

  async append(record: StepRecord): Promise<void> {
    const path = this.pathFor(record.runId);
    this.folder.assertWritable(`appending to the ledger of run ${record.runId}`);
    const text = ledgerLineText(record); // now: the caller may change the record after this call
    await this.queue.run(record.runId, () => this.appendLine(path, text));
  }

  /** The run's records in append order; [] when it has no ledger file. */
  async list(runId: string): Promise<StepRecord[]> {
    const path = this.pathFor(runId);
    return this.queue.run(runId, async () => {
      const out: StepRecord[] = [];
      for await (const line of readJsonlLines(path)) for (const d of parseLedgerLineRecords(line, path)) out.push(decodeLedgerDict(d, path, line.line));
      return out;
    });
  }

  /**
   * The run's records as the snake_case dicts parsed from the file, unknown keys included: what
   * the hash chain covers, so records of newer Python versions still verify.
   */
  async listDicts(runId: string): Promise<JsonObject[]> {
    const path = this.pathFor(runId);
    return this.queue.run(runId, async () => {
      const out: JsonObject[] = [];
      for await (const line of readJsonlLines(path)) out.push(...parseLedgerLineRecords(line, path));
      return out;
    });
  }

  /**
   * As `listDicts`, but a last line that the file ends inside of (a write cut short by a crash)
   * and that does not parse is left out and reported, instead of failing the whole ledger: the
   * complete records before it are all that was durably written. Any other bad line still throws.
   */
  async listDictsBeforeTornTail(runId: string): Promise<{ dicts: JsonObject[]; tornTail: TornTail | null }> {
    const path = this.pathFor(runId);
    return this.queue.run(runId, async () => {
      const dicts: JsonObject[] = [];
      for await (const line of readJsonlLines(path)) {
        try {
          dicts.push(...parseLedgerLineRecords(line, path));
        } catch (err) {
          // Only the unterminated last line can be a torn write; readJsonlLines yields it last.
          if (!(err instanceof CorruptLedgerLineError) || line.terminated) throw err;
          return { dicts, tornTail: { path, line: line.line, reason: err.reason } };
        }
      }
      return { dicts, tornTail: null };
    });
  }

  /** The last record, reading only the end of the file (the chain needs the head on every append). */
  async last(runId: string): Promise<StepRecord | null> {
    const path = this.pathFor(runId);
    return this.queue.run(runId, async () => {
      const tail = await readLastLine(path);
      if (!tail) return null;
      try {
        const dict = parseLedgerLineRecords({ line: 0, ...tail }, path).at(-1);
        if (!dict) throw new CorruptLedgerLineError(path, 0, 'the line holds no record');
        return decodeLedgerDict(dict, path, 0);
      } catch (err) {
        // Numbering the line needs a pass over the file: only done when there is an error to report.
        if (!(err instanceof CorruptLedgerLineError)) throw err;
        throw new CorruptLedgerLineError(path, await lineNumberAt(path, tail.offset), err.reason);
      }
    });
  }

  /** The latest `completed` record with this idempotency key, or null. */
  async findCompleted(runId: string, idempotencyKey: string): Promise<StepRecord | null> {
    const path = this.pathFor(runId);
    const verbatim = VERBATIM_KEY.test(idempotencyKey) && !idempotencyKey.includes('"') && !idempotencyKey.includes('\\');
    return this.queue.run(runId, async () => {
      let found: { dict: JsonObject; line: number } | null = null;
      for await (const line of readJsonlLines(path)) {
        if (verbatim && !line.text.includes(idempotencyKey)) continue;
        const dict = parseLedgerLine(line, path);
        if (dict['status'] === 'completed' && dict['idempotency_key'] === idempotencyKey) found = { dict, line: line.line };
      }
      return found ? decodeLedgerDict(found.dict, path, found.line) : null;
    });
  }

  /** Ids of the runs that have a ledger file, sorted. */
  async runIds(): Promise<string[]> {
    return (await listMatchingFiles(this.dir, LEDGER_FILE)).map((f) => f.id);
  }

  private async appendLine(path: string, text: string): Promise<void> {
    await this.folder.ensureExists();
    const handle = await open(path, 'a+');
    let size: number;
    try {
      size = (await handle.stat()).size;
      let bytes = Buffer.from(text, 'utf8');
      if (size > 0 && !(await endsWithNewline(handle, size))) {
        await this.assertCompleteLastLine(path);
        bytes = Buffer.concat([Buffer.from('\n'), bytes]); // a complete last line without "\n" (hand-edited)
      }
      await writeAll(handle, bytes);
      if (this.folder.fsync) await handle.datasync();
    } finally {
      await handle.close();
    }
    if (this.folder.fsync && size === 0) await syncFolder(this.dir); // the new file's name must survive a crash too
  }

  private async assertCompleteLastLine(path: string): Promise<void> {
    const tail = await readLastLine(path);
    if (!tail) return;
    try {
      parseLedgerLine({ line: 0, ...tail, terminated: true }, path);
    } catch (err) {
      if (!(err instanceof CorruptLedgerLineError)) throw err;
      const line = await lineNumberAt(path, tail.offset);
      throw new CorruptLedgerLineError(
        path,
        line,
        `the last line is incomplete (a write cut short?), so nothing was appended: ${err.reason}. Repair or truncate the file first.`,
      );
    }
  }
}

async function endsWithNewline(handle: FileHandle, size: number): Promise<boolean> {
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  // One write(2) for the whole line; the loop only matters if the OS writes less (disk full, signals).
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, null);
    done += bytesWritten;
  }
}
