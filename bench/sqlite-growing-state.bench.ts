/**
 * Growing state (issue 15): an agent whose transcript grows by one 1 KB message per step, 5,000
 * steps, on a SQLite workspace. Each step appends the message to `vars.messages` and makes an
 * `llm_call` (stub handler): two hash-chained records and the new state per step, as in the
 * durable loop. Figures, one JSON line each:
 * - file: the workspace's bytes after closing, against the final state's text plus the ledger's
 *   record texts (target: at most 4x);
 * - flatness: µs per step of the last 1,000 steps against the first 1,000 (target: at most 1.3x);
 * - rebuild: `stateAt` of 200 random steps after reopening, p50 and p95 ms (target: p95 <= 5 ms).
 * The file figure also says how many saved states are keyframes and the bytes of the chunks their
 * lists are stored in (chunked keyframes, migration 8: every ~32 saves, each message in one chunk).
 * Two agents, one after the other in the same process: one whose messages are plain objects (the
 * writer compares them by content on every save, a cost that grows with the transcript) and one
 * that freezes each message it appends (compared by reference, see state-delta/frozen.ts).
 */
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { EffectOutcome, Runtime, WorkflowSpec, type JsonObject, type JsonValue } from '../src/runtime/index';
import { stateText } from '../src/runtime/storage/sqlite/checkpoint-state';
import { SqliteWorkspace } from '../src/runtime/storage/sqlite/index';
import { cpuMicros, emit, load1, percentile, withTempDir } from './durable-loop';

export const STEPS = Number(process.env['GROWING_STATE_STEPS'] ?? 5000);
const FILLER = 'x'.repeat(1000);

/** The workload (shared with the LangGraph reference): message `i` of the transcript, ~1 KB. */
export const message = (i: number): JsonObject => ({ role: i % 2 ? 'assistant' : 'user', content: `${i} ${FILLER}` });

export type Messages = 'plain' | 'frozen';

export function growingWorkflow(steps: number, stamps: bigint[], kind: Messages = 'plain', cpuAt?: Map<number, number>): WorkflowSpec {
  return new WorkflowSpec({
    workflowId: 'bench_growing',
    entryNode: 'turn',
    nodes: {
      turn: (run) => {
        stamps.push(process.hrtime.bigint());
        const messages = (run.vars['messages'] ??= []) as JsonValue[];
        if (cpuAt && messages.length % 1000 === 0) cpuAt.set(messages.length, cpuMicros());
        if (messages.length >= steps) return { nodeId: 'turn', completeOutput: { turns: messages.length } };
        const m = message(messages.length);
        messages.push(kind === 'frozen' ? Object.freeze(m) : m);
        return { nodeId: 'turn', effect: { type: 'llm_call', payload: { prompt: `turn ${messages.length}` }, resultKey: '_temp.llm' }, nextNode: 'turn' };
      },
    },
  });
}

export const stubLlm = () => EffectOutcome.completed({ content: 'ok', usage: { total_tokens: 12 } });

const usPerStep = (stamps: readonly bigint[], from: number, to: number): number => Number((stamps[to] as bigint) - (stamps[from] as bigint)) / 1000 / (to - from);

async function measure(kind: Messages): Promise<void> {
  await withTempDir(async (dir) => {
    const path = join(dir, 'growing.sqlite');
    const ws = SqliteWorkspace.open(path);
    const stamps: bigint[] = [];
    const runtime = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, effectHandlers: { llm_call: stubLlm } });
    const cpuAt = new Map<number, number>();
    const wf = growingWorkflow(STEPS, stamps, kind, cpuAt);
    const runId = await runtime.start({ workflow: wf });
    const t0 = process.hrtime.bigint();
    const final = await runtime.tick({ workflow: wf, runId, maxSteps: STEPS + 1 });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (final.status !== 'completed') throw new Error(`bench run ended ${final.status}: ${final.error}`);
    const head = (await ws.ledger.ledgerCount(runId)) - 1;
    const wal = ws.walWriterCopies();
    ws.close();
    const fileBytes = statSync(path).size;
    const raw = new Database(path, { readonly: true });
    const ledgerBytes = raw.prepare('SELECT total(length(canonical)) FROM ledger').pluck().get() as number;
    // Full states among the saved ones (keyframes; the rest are deltas), and the chunks their lists are stored in (migration 8).
    const keyframes = raw.prepare(`SELECT count(*) FROM checkpoints WHERE state NOT LIKE '{"$delta"%'`).pluck().get() as number;
    const chunkBytes = raw.prepare('SELECT total(length(text)) FROM state_chunks').pluck().get() as number;
    raw.close();
    const stateBytes = stateText(final).length;
    const first = usPerStep(stamps, 0, 1000);
    const last = usPerStep(stamps, STEPS - 1000, STEPS);
    // CPU time of the process (all threads) per step over the same windows: what a loaded shared machine distorts least.
    const cpuWindow = (from: number): number => Math.round(((cpuAt.get(from + 1000) ?? NaN) - (cpuAt.get(from) ?? NaN)) / 1000);
    const cpuFirst = cpuWindow(0);
    const cpuLast = cpuWindow(STEPS - 1000);
    emit({ bench: 'growing_state_sqlite_file', messages: kind, steps: STEPS, file_mb: +(fileBytes / 1e6).toFixed(1), final_state_mb: +(stateBytes / 1e6).toFixed(2), ledger_mb: +(ledgerBytes / 1e6).toFixed(2), ratio: +(fileBytes / (stateBytes + ledgerBytes)).toFixed(2), keyframes, chunks_mb: +(chunkBytes / 1e6).toFixed(2), target: '<= 4', load1: load1() });
    emit({ bench: 'growing_state_sqlite_steps', messages: kind, steps: STEPS, steps_per_s: Math.round(STEPS / seconds), us_per_step_first_1000: Math.round(first), us_per_step_last_1000: Math.round(last), ratio: +(last / first).toFixed(2), cpu_us_per_step_first_1000: cpuFirst, cpu_us_per_step_last_1000: cpuLast, cpu_ratio: +(cpuLast / cpuFirst).toFixed(2), target: '<= 1.3', load1: load1() });
    emit({ bench: 'growing_state_sqlite_wal_writer_copies', messages: kind, commits: wal?.commits ?? null, tail_copies: wal?.tailCopies ?? null, tail_copy_ms: wal?.tailCopyMs ?? null, target: '0 in steady state' });

    const again = SqliteWorkspace.open(path, { readonly: true });
    try {
      const times: number[] = [];
      const cpu: number[] = [];
      let seed = 15;
      for (let i = 0; i < 200; i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const seq = seed % (head + 1);
        const c = cpuMicros();
        const t = performance.now();
        const state = await again.stateAt(runId, seq);
        times.push(performance.now() - t);
        cpu.push((cpuMicros() - c) / 1000);
        if (!state) throw new Error(`no state at ${seq}`);
      }
      emit({ bench: 'growing_state_sqlite_rebuild', messages: kind, samples: 200, p50_ms: +percentile(times, 50).toFixed(2), p95_ms: +percentile(times, 95).toFixed(2), first_ms: +(times[0] as number).toFixed(1), max_ms: +Math.max(...times).toFixed(1), cpu_p50_ms: +percentile(cpu, 50).toFixed(2), cpu_p95_ms: +percentile(cpu, 95).toFixed(2), target: 'p95 <= 5', load1: load1() });
    } finally {
      again.close();
    }
  });
}

export async function run(): Promise<void> {
  const only = process.env['GROWING_STATE_MESSAGES'];
  for (const kind of ['plain', 'frozen'] as const) if (!only || only === kind) await measure(kind);
}
