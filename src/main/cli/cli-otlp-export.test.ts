/** `studio export … --otlp`: a past run reaches a real OTLP/HTTP receiver on 127.0.0.1. */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EffectOutcome, EffectType, Runtime, WorkflowSpec } from '../../runtime/index';
import { SqliteWorkspace } from '../../runtime/storage/sqlite/index';
import { OtlpReceiver } from '../../runtime/telemetry/testing/otlp-receiver';
import { runStudio, TempDirs } from './test-support';

const flow = new WorkflowSpec({
  workflowId: 'exported',
  entryNode: 'think',
  nodes: {
    think: () => ({ nodeId: 'think', effect: { type: EffectType.LLM_CALL, payload: { prompt: 'plan' }, resultKey: 'plan' }, nextNode: 'ask' }),
    ask: () => ({ nodeId: 'ask', effect: { type: EffectType.ASK_USER, payload: { prompt: 'Go?' }, resultKey: 'go' }, nextNode: 'done' }),
    done: (run) => ({ nodeId: 'done', completeOutput: { go: run.vars['go'] ?? null } }),
  },
});

const temps = new TempDirs();
let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await OtlpReceiver.start();
});
afterAll(() => receiver.close());
afterEach(() => temps.cleanup());

/** A workspace with one completed run: an LLM answer (model, tokens), a wait, an answer. */
async function workspaceWithRun(): Promise<{ path: string; runId: string }> {
  const path = join(temps.make('otlp'), 'ws.sqlite');
  const ws = SqliteWorkspace.open(path);
  const llm = async () => EffectOutcome.completed({ content: 'ok', model: 'planner-1', usage: { prompt_tokens: 30, completion_tokens: 4, total_tokens: 34 } });
  const rt = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, effectHandlers: { llm_call: llm } });
  const runId = await rt.start({ workflow: flow });
  const waiting = await rt.tick({ workflow: flow, runId });
  await rt.resume({ workflow: flow, runId, waitKey: waiting.waiting!.waitKey, payload: { response: 'yes' } });
  ws.close();
  return { path, runId };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  await new Promise((ok) => server.close(ok));
  return port;
}

describe('studio export --otlp', () => {
  it('sends the run as one trace: run span, record spans with seq and hash, effect spans with GenAI attributes', async () => {
    const { path, runId } = await workspaceWithRun();
    const r = await runStudio(['export', path, runId, '--otlp', receiver.url]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const spans = receiver.spans().filter((s) => s.attributes['abstractruntime.run.id'] === runId);
    expect(r.stdout).toBe(`Sent run ${runId} (${spans.length} spans) to ${receiver.url} as trace ${spans[0]!.traceId}\n`);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    const run = spans.find((s) => s.name === 'run exported')!;
    expect(run.parentSpanId).toBeNull();
    const ws = SqliteWorkspace.open(path, { readonly: true });
    const ledger = await ws.ledger.list(runId);
    ws.close();
    const steps = spans.filter((s) => s.parentSpanId === run.spanId);
    expect(steps.map((s) => [s.name, s.attributes['abstractruntime.ledger.seq'], s.attributes['abstractruntime.ledger.record_hash']])).toEqual(
      ledger.flatMap((rec, seq) => (rec.status === 'started' ? [] : [[`step ${rec.nodeId}`, seq, rec.recordHash]])),
    );
    const think = spans.find((s) => s.name === 'llm_call think')!;
    expect(steps.find((s) => s.spanId === think.parentSpanId)!.name).toBe('step think');
    expect(think.attributes).toMatchObject({ 'gen_ai.response.model': 'planner-1', 'gen_ai.usage.input_tokens': 30, 'gen_ai.usage.output_tokens': 4 });
  });

  it('says so and exits 1 when nothing takes the spans', async () => {
    const { path, runId } = await workspaceWithRun();
    const url = `http://127.0.0.1:${await closedPort()}/v1/traces`;
    const r = await runStudio(['export', path, runId, '--otlp', url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${url} did not take the spans of run ${runId}`);
  });

  it('refuses a URL that is not http(s), an unknown run, and --otlp mixed with --out (exit 2)', async () => {
    const { path, runId } = await workspaceWithRun();
    const bad = await runStudio(['export', path, runId, '--otlp', 'grpc://127.0.0.1:4317']);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('use an http:// or https:// URL')]);
    const unknown = await runStudio(['export', path, 'no-such-run', '--otlp', receiver.url]);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('There is no run no-such-run')]);
    const mixed = await runStudio(['export', path, runId, '--otlp', receiver.url, '--out', 'x']);
    expect([mixed.code, mixed.stderr]).toEqual([2, expect.stringContaining('drop --out')]);
  });
});
