/**
 * The integrity check on open (issue 14 item 2): `PRAGMA quick_check` runs before a workspace is
 * written, so opening costs a read of the whole file. Workload: one run of OPEN_INTEGRITY_RECORDS
 * ledger records (default 200,000, ~1.6 KB of file each, 20,000 per transaction, through the
 * workspace's own commit path), then the file is opened five times with and five times without
 * the check (the file in the OS page cache, as when a workspace is reopened); medians are printed.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { RunStatus, type RunState, type StepRecord } from '../src/runtime/index';
import { SqliteWorkspace } from '../src/runtime/storage/sqlite/index';
import { emit, load1, median, withTempDir } from './durable-loop';

const RECORDS = Number(process.env['OPEN_INTEGRITY_RECORDS'] ?? 200_000);
const CHUNK = 20_000;
const ROUNDS = 5;
const RUN_ID = 'b1a7c0de-0000-4000-8000-0000000000aa';
// ~800 bytes of prompt text per record, so a record is about the size of a small real llm_call.
const FILLER = 'lorem ipsum dolor sit amet '.repeat(30);

function record(i: number): StepRecord {
  const at = `2025-12-17T08:30:00.${String(i % 1_000_000).padStart(6, '0')}+00:00`;
  return {
    runId: RUN_ID,
    stepId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    nodeId: 'step',
    status: 'completed',
    effect: { type: 'llm_call', payload: { prompt: `step ${i} ${FILLER}` }, resultKey: '_temp.llm' },
    result: { content: 'ok', usage: { total_tokens: 12 } },
    error: null,
    startedAt: at,
    endedAt: at,
    actorId: null,
    sessionId: null,
    attempt: 1,
    idempotencyKey: i.toString(16).padStart(32, '0'),
    prevHash: null,
    recordHash: null,
    signature: null,
  };
}

function finalState(): RunState {
  const at = '2025-12-17T08:31:00+00:00';
  return { runId: RUN_ID, workflowId: 'bench_loop', status: RunStatus.COMPLETED, currentNode: 'step', vars: { i: RECORDS }, waiting: null, output: null, error: null, createdAt: at, updatedAt: at, actorId: null, sessionId: null, parentRunId: null };
}

function generate(path: string): void {
  const ws = SqliteWorkspace.open(path);
  try {
    for (let from = 0; from < RECORDS; from += CHUNK) {
      const records = Array.from({ length: Math.min(CHUNK, RECORDS - from) }, (_, j) => record(from + j));
      ws.commitSteps([{ run: from + CHUNK >= RECORDS ? finalState() : null, records }]);
    }
  } finally {
    ws.close();
  }
}

function openMs(path: string, checkIntegrity: boolean): number {
  const t0 = performance.now();
  SqliteWorkspace.open(path, { create: false, checkIntegrity }).close();
  return performance.now() - t0;
}

export async function run(): Promise<void> {
  await withTempDir(async (dir) => {
    const path = join(dir, 'open-integrity.sqlite');
    generate(path);
    openMs(path, true); // one read to bring the file into the page cache
    const plain: number[] = [];
    const checked: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      plain.push(openMs(path, false));
      checked.push(openMs(path, true));
    }
    const mb = statSync(path).size / 1e6;
    const checkMs = median(checked) - median(plain);
    emit({
      bench: 'open_quick_check',
      records: RECORDS,
      file_mb: +mb.toFixed(1),
      open_ms: +median(plain).toFixed(1),
      open_with_quick_check_ms: +median(checked).toFixed(1),
      quick_check_mb_per_s: Math.round(mb / (checkMs / 1000)),
      load1: load1(),
    });
  });
}
