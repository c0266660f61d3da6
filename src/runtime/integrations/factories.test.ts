import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { effectWorkflow } from '../testing/test-workflows';
import { InMemoryRunStore } from '../storage/memory/memory-run-store';
import { createHybridRuntime, createLocalRuntime, createRemoteRuntime } from './factories';
import { type LlmClient, type LlmGenerateRequest } from './llm/llm-client';
import { defineTool } from './tools/mapping-tool-executor';
import { createLocalFileRuntime } from './file-factories';

const CALL = { tool_calls: [{ name: 'add', arguments: { x: 2, y: 3 }, call_id: 'c1' }] };
const add = defineTool({ name: 'add' }, ({ x, y }) => Number(x) + Number(y));

describe('runtime factories', () => {
  it('remote: tools are passed through to the host by default', async () => {
    const runtime = createRemoteRuntime({ serverBaseUrl: 'http://127.0.0.1:9', model: 'm' });
    const workflow = effectWorkflow('tool_calls', CALL);
    const run = await runtime.tick({ workflow, runId: await runtime.start({ workflow }) });
    expect(run.waiting?.details).toEqual({ mode: 'passthrough', tool_calls: CALL.tool_calls });
  });

  it('hybrid: tools run in-process', async () => {
    const runtime = createHybridRuntime({ serverBaseUrl: 'http://127.0.0.1:9', model: 'm', tools: [add] });
    const workflow = effectWorkflow('tool_calls', CALL);
    const run = await runtime.tick({ workflow, runId: await runtime.start({ workflow }) });
    expect(run.output).toEqual({ result: { mode: 'executed', results: [{ call_id: 'c1', name: 'add', success: true, output: 5, error: null }] } });
  });

  it('local: any LlmClient, tools in-process', async () => {
    const seen: LlmGenerateRequest[] = [];
    const llm: LlmClient = {
      generate: async (request) => {
        seen.push(request);
        return { content: 'local answer', data: null, tool_calls: null, usage: null, model: 'in-process', finish_reason: 'stop', metadata: null, trace_id: null };
      },
    };
    const runtime = createLocalRuntime({ llm, tools: [add] });
    const workflow = effectWorkflow('llm_call', { prompt: 'hi' });
    const runId = await runtime.start({ workflow });
    const run = await runtime.tick({ workflow, runId });
    expect((run.output!['result'] as { content: string }).content).toBe('local answer');
    expect(seen[0]!.params).toEqual({ trace_metadata: { run_id: runId } });
    expect(() => createLocalRuntime({})).toThrow(/needs an llm client, or serverBaseUrl and model/);
  });

  it('refuses one store without the other (the reference silently replaced both)', () => {
    expect(() => createRemoteRuntime({ serverBaseUrl: 'http://x', model: 'm', runStore: new InMemoryRunStore() })).toThrow('Pass both runStore and ledgerStore, or neither');
  });
});

describe('file runtime factories', () => {
  it('keep runs and ledgers in one data folder, readable by a later runtime', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'integrations-'));
    try {
      const workflow = effectWorkflow('tool_calls', CALL);
      const first = createLocalFileRuntime({ baseDir: dir, llm: { generate: () => Promise.reject(new Error('unused')) }, tools: [add] });
      const runId = await first.start({ workflow });
      await first.tick({ workflow, runId });
      expect((await readdir(dir)).sort()).toEqual([`ledger_${runId}.jsonl`, `run_${runId}.json`]);
      const later = createLocalFileRuntime({ baseDir: dir, llm: { generate: () => Promise.reject(new Error('unused')) } });
      expect((await later.getState(runId)).status).toBe('completed');
      expect(await later.getLedger(runId)).toHaveLength(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
