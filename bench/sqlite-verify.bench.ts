/**
 * Ledger verification from SQLite (issue 4: at least 400,000 records/s, bounded memory): one run of
 * 1,000,000 records written through the workspace's own commit path (chained and hashed exactly
 * as a durable loop's, 20,000 records per transaction), then verified by a fresh process that
 * opens the file read-only, as the Studio's verification worker does, so its peak RSS is the
 * verifier's own. Run directly with `--verify <file> <runId>`, this file is that process.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunStatus, type RunState, type StepRecord } from '../src/runtime/index';
import { SqliteWorkspace } from '../src/runtime/storage/sqlite/index';
import { emit, load1, withTempDir } from './durable-loop';

// AR_BENCH_RECORDS: a smaller ledger for a quick look (the figure of record is 1,000,000).
const RECORDS = Number(process.env['AR_BENCH_RECORDS'] ?? 1_000_000);
const CHUNK = 20_000;
const RUN_ID = 'b1a7c0de-0000-4000-8000-000000000001';

function record(i: number): StepRecord {
  const step = i >> 1;
  const at = `2025-12-17T08:30:00.${String(step % 1_000_000).padStart(6, '0')}+00:00`;
  const done = i % 2 === 1;
  return {
    runId: RUN_ID,
    stepId: `00000000-0000-4000-8000-${String(step).padStart(12, '0')}`,
    nodeId: 'step',
    status: done ? 'completed' : 'started',
    effect: { type: 'llm_call', payload: { prompt: `step ${step}`, params: { temperature: 0.2 } }, resultKey: '_temp.llm' },
    result: done ? { content: 'ok', tool_calls: null, usage: { total_tokens: 12 }, model: 'stub', finish_reason: 'stop' } : null,
    error: null,
    startedAt: at,
    endedAt: done ? at : null,
    actorId: null,
    sessionId: null,
    attempt: 1,
    idempotencyKey: step.toString(16).padStart(32, '0'),
    prevHash: null,
    recordHash: null,
    signature: null,
  };
}

function finalState(): RunState {
  const at = '2025-12-17T08:31:00+00:00';
  return { runId: RUN_ID, workflowId: 'bench_loop', status: RunStatus.COMPLETED, currentNode: 'step', vars: { i: RECORDS / 2 }, waiting: null, output: { steps: RECORDS / 2 }, error: null, createdAt: at, updatedAt: at, actorId: null, sessionId: null, parentRunId: null };
}

export function generate(path: string): number {
  const t0 = performance.now();
  const ws = SqliteWorkspace.open(path);
  try {
    for (let from = 0; from < RECORDS; from += CHUNK) {
      const records = Array.from({ length: Math.min(CHUNK, RECORDS - from) }, (_, j) => record(from + j));
      ws.commitSteps([{ run: from + CHUNK >= RECORDS ? finalState() : null, records }]);
    }
  } finally {
    ws.close();
  }
  return (performance.now() - t0) / 1000;
}

/** The verifying process: prints one JSON line. */
async function verifyChild(path: string, runId: string): Promise<void> {
  const ws = SqliteWorkspace.open(path, { readonly: true });
  const t0 = performance.now();
  const report = await ws.verifyRun(runId);
  const seconds = (performance.now() - t0) / 1000;
  ws.close();
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ ok: report.ok, count: report.count, seconds, maxRssMb })}\n`);
}

export async function run(): Promise<void> {
  await withTempDir(async (dir) => {
    const path = join(dir, 'ledger-1m.sqlite');
    const generateSeconds = generate(path);
    const self = fileURLToPath(import.meta.url);
    const out = execFileSync(process.execPath, ['--import', 'tsx', self, '--verify', path, RUN_ID], { encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop() as string) as { ok: boolean; count: number; seconds: number; maxRssMb: number };
    if (!r.ok || r.count !== RECORDS) throw new Error(`verification of the generated ledger failed: ${out}`);
    emit({
      bench: 'ledger_verify_sqlite',
      records: r.count,
      records_per_s: Math.round(r.count / r.seconds),
      seconds: +r.seconds.toFixed(2),
      peak_rss_mb: Math.round(r.maxRssMb),
      generate_seconds: +generateSeconds.toFixed(1),
      load1: load1(),
    });
  });
}

if (process.argv[2] === '--verify') {
  verifyChild(process.argv[3] as string, process.argv[4] as string).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
