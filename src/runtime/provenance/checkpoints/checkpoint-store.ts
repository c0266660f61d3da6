/**
 * Storage of chain checkpoints, per run, append-only. `append` only accepts the run's next
 * checkpoint (n = count, prev = hash of the last), which keeps each run's checkpoints one chain
 * even when two signers race: the loser gets CHECKPOINT_CONFLICT, reloads and decides again.
 *
 * The JSON-file implementation keeps `checkpoints_<run_id>.jsonl` (one canonical JSON object per
 * line) in a folder; it can sit next to a Python data folder's `ledger_<run_id>.jsonl` files,
 * which Python's stores never glob.
 */
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { parseJson } from '../../json/parse';
import { canonicalJson } from '../../json/py-dumps';
import { validateFileId } from '../../storage/files/file-names';
import { syncFolder } from '../../storage/files/atomic-write';
import { KeyedQueue } from '../../storage/files/keyed-queue';
import { readJsonlLines } from '../../storage/files/jsonl-lines';
import { ProvenanceError } from '../provenance-errors';
import { encodeCheckpoint, parseCheckpoint, storedCheckpoint, type ParsedCheckpoint, type SignedCheckpoint } from './checkpoint';

export interface ChainCheckpointStore {
  /** Appends the run's next checkpoint; throws CHECKPOINT_CONFLICT unless it follows the last one stored. */
  append(runId: string, checkpoint: SignedCheckpoint): Promise<void>;
  /** The run's checkpoints in order (as stored: a verifier judges them). */
  list(runId: string): Promise<SignedCheckpoint[]>;
  last(runId: string): Promise<SignedCheckpoint | null>;
}

/**
 * Checks that `next` continues the chain after `last` (each given as stored, or already parsed);
 * returns `next` parsed. A parsed checkpoint's claim is taken as given: this check keeps one chain
 * per run when signers race, it does not judge signatures (verifiers do, on the stored text).
 */
export function assertNextCheckpoint(runId: string, last: SignedCheckpoint | ParsedCheckpoint | null, next: SignedCheckpoint | ParsedCheckpoint): ParsedCheckpoint {
  const parsed = 'claim' in next ? { ok: true as const, checkpoint: next } : parseCheckpoint(next);
  if (!parsed.ok) throw new ProvenanceError('CHECKPOINT_INVALID', `Not a valid checkpoint: ${parsed.reason}.`);
  const c = parsed.checkpoint.claim;
  if (c.runId !== runId) throw new ProvenanceError('CHECKPOINT_INVALID', `The checkpoint is for run ${c.runId}, not ${runId}.`);
  const prevParsed = last === null ? null : 'claim' in last ? { ok: true as const, checkpoint: last } : parseCheckpoint(last);
  if (prevParsed && !prevParsed.ok) throw new ProvenanceError('CHECKPOINT_CONFLICT', `The last stored checkpoint of run ${runId} is malformed (${prevParsed.reason}); repair the store first.`);
  const prev = prevParsed?.checkpoint ?? null;
  const wantN = prev ? prev.claim.n + 1 : 0;
  const wantPrev = prev ? prev.hash : null;
  if (c.n !== wantN || c.prev !== wantPrev || (prev && c.seq <= prev.claim.seq)) {
    throw new ProvenanceError('CHECKPOINT_CONFLICT', `Checkpoint ${c.n} at seq ${c.seq} does not follow the last stored checkpoint of run ${runId}; reload and try again.`, { runId });
  }
  return parsed.checkpoint;
}

export class InMemoryChainCheckpointStore implements ChainCheckpointStore {
  private readonly byRun = new Map<string, SignedCheckpoint[]>();
  /** The last checkpoint of each run, parsed when it was appended (so an append parses one, not two). */
  private readonly lastParsed = new Map<string, ParsedCheckpoint>();

  async append(runId: string, checkpoint: SignedCheckpoint): Promise<void> {
    const list = this.byRun.get(runId) ?? [];
    const parsed = assertNextCheckpoint(runId, this.lastParsed.get(runId) ?? null, checkpoint);
    list.push(storedCheckpoint(checkpoint));
    this.byRun.set(runId, list);
    this.lastParsed.set(runId, { ...parsed, ...storedCheckpoint(parsed) });
  }

  async list(runId: string): Promise<SignedCheckpoint[]> {
    return (this.byRun.get(runId) ?? []).map(storedCheckpoint);
  }

  async last(runId: string): Promise<SignedCheckpoint | null> {
    const c = this.byRun.get(runId)?.at(-1);
    return c ? storedCheckpoint(c) : null;
  }
}

export interface JsonFileCheckpointStoreOptions {
  /** fsync each append (default true). */
  fsync?: boolean;
}

export class JsonFileCheckpointStore implements ChainCheckpointStore {
  private readonly queue = new KeyedQueue();
  private readonly fsync: boolean;

  constructor(
    readonly dir: string,
    options: JsonFileCheckpointStoreOptions = {},
  ) {
    this.fsync = options.fsync ?? true;
  }

  pathFor(runId: string): string {
    validateFileId('run_id', runId);
    return join(this.dir, `checkpoints_${runId}.jsonl`);
  }

  append(runId: string, checkpoint: SignedCheckpoint): Promise<void> {
    const path = this.pathFor(runId);
    return this.queue.run(runId, async () => {
      const all = await this.read(path);
      assertNextCheckpoint(runId, all.at(-1) ?? null, checkpoint);
      await this.appendLine(path, `${canonicalJson(encodeCheckpoint(checkpoint))}\n`, all.length === 0);
    });
  }

  list(runId: string): Promise<SignedCheckpoint[]> {
    const path = this.pathFor(runId);
    return this.queue.run(runId, () => this.read(path));
  }

  async last(runId: string): Promise<SignedCheckpoint | null> {
    return (await this.list(runId)).at(-1) ?? null;
  }

  private async read(path: string): Promise<SignedCheckpoint[]> {
    const out: SignedCheckpoint[] = [];
    for await (const line of readJsonlLines(path)) {
      let value;
      try {
        value = line.undecodable ? null : parseJson(line.text);
      } catch {
        value = null;
      }
      const v = value as Partial<SignedCheckpoint> | null;
      if (!v || typeof v.statement !== 'string' || (typeof v.signature !== 'string' && typeof v.batch !== 'object')) {
        throw new ProvenanceError('CHECKPOINT_INVALID', `${path} line ${line.line} is not a checkpoint; the file was damaged or edited.`, { path, line: line.line });
      }
      out.push(storedCheckpoint(v as SignedCheckpoint)); // judged by verifiers, not here
    }
    return out;
  }

  private async appendLine(path: string, text: string, isNew: boolean): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const handle = await open(path, 'a');
    try {
      await handle.write(text);
      if (this.fsync) await handle.datasync();
    } finally {
      await handle.close();
    }
    if (this.fsync && isNew) await syncFolder(this.dir); // the new file's name must survive a crash too
  }
}
