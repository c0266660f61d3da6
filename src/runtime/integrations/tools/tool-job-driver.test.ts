import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WorkflowSpec } from '../../core/spec';
import { type JsonObject } from '../../json/json-value';
import { WorkflowRegistry } from '../../scheduler/workflow-registry';
import { memoryRuntime } from '../../testing/test-workflows';
import { FakeToolWorker } from '../testing/fake-tool-worker';
import { LocalHttpServer } from '../testing/local-http-server';
import { RemoteToolExecutor } from './remote-tool-executor';
import { makeToolCallsHandler } from './tool-calls-handler';
import { ToolJobClient } from './tool-job-client';
import { ToolJobDriver } from './tool-job-driver';

let worker: FakeToolWorker;
beforeAll(async () => {
  worker = await FakeToolWorker.start();
});
afterAll(async () => {
  await worker.close();
});

const CALLS: JsonObject[] = [
  { name: 'add', arguments: { x: 2, y: 3 }, call_id: 'c1' },
  { name: 'fetch_page', arguments: { url: 'http://example.test' }, call_id: 'c2' },
];

const workflow = new WorkflowSpec({
  workflowId: 'remote_tools',
  entryNode: 'act',
  nodes: {
    act: () => ({ nodeId: 'act', effect: { type: 'tool_calls', payload: { tool_calls: CALLS }, resultKey: 'tool_results' }, nextNode: 'done' }),
    done: (run) => ({ nodeId: 'done', completeOutput: { tool_results: run.vars['tool_results'] ?? null } }),
  },
});

function setup(workerBaseUrl = worker.baseUrl) {
  const { runtime } = memoryRuntime({ effectHandlers: { tool_calls: makeToolCallsHandler(new RemoteToolExecutor({ workerBaseUrl, metadata: { queue: 'default' } })) } });
  const registry = new WorkflowRegistry();
  registry.register(workflow);
  const driver = new ToolJobDriver({ runtime, workflows: registry, client: new ToolJobClient({ workerBaseUrl }), pollIntervalS: 0.05 });
  return { runtime, driver };
}

describe('RemoteToolExecutor + ToolJobDriver', () => {
  it('submits a job, waits with reason job, and the driver resumes the run when the job completes', async () => {
    const { runtime, driver } = setup();
    const runId = await runtime.start({ workflow, actorId: 'ar_1' });
    const waiting = await runtime.tick({ workflow, runId });
    expect(waiting.status).toBe('waiting');
    const jobId = waiting.waiting!.waitKey!;
    expect(waiting.waiting).toMatchObject({ reason: 'job', resumeToNode: 'done', resultKey: 'tool_results', details: { mode: 'job', job_id: jobId, tool_calls: CALLS } });
    const job = worker.jobs.get(jobId)!;
    expect([job.run_id, job.tool_calls, job.metadata]).toEqual([runId, CALLS, { node_id: 'act', actor_id: 'ar_1', queue: 'default' }]);

    expect(await driver.pollOnce()).toBe(0); // pending: keeps waiting
    job.status = 'running';
    expect(await driver.pollOnce()).toBe(0);
    const result = { mode: 'executed', results: [{ call_id: 'c1', name: 'add', success: true, output: 5, error: null }, { call_id: 'c2', name: 'fetch_page', success: true, output: '<html/>', error: null }] };
    Object.assign(job, { status: 'completed', result });
    expect(await driver.pollOnce()).toBe(1);
    const done = await runtime.getState(runId);
    expect(done.status).toBe('completed');
    expect(done.output).toEqual({ tool_results: result });
    const resume = (await runtime.getLedger(runId)).find((r) => r.result && 'resume' in r.result);
    expect((resume!.result!['resume'] as JsonObject)['wait_key']).toBe(jobId);
    expect(await driver.pollOnce()).toBe(0);
  });

  it('resumes a failed job with every call reported failed, so the workflow decides', async () => {
    const { runtime, driver } = setup();
    const runId = await runtime.start({ workflow });
    const jobId = (await runtime.tick({ workflow, runId })).waiting!.waitKey!;
    Object.assign(worker.jobs.get(jobId)!, { status: 'failed', error: 'sandbox crashed' });
    expect(await driver.pollOnce()).toBe(1);
    const out = (await runtime.getState(runId)).output!['tool_results'] as JsonObject;
    expect(out).toEqual({
      mode: 'executed',
      results: [
        { call_id: 'c1', name: 'add', success: false, output: null, error: `Tool job ${jobId} failed: sandbox crashed` },
        { call_id: 'c2', name: 'fetch_page', success: false, output: null, error: `Tool job ${jobId} failed: sandbox crashed` },
      ],
      job: { job_id: jobId, status: 'failed', error: 'sandbox crashed' },
    });
  });

  it('treats a job the worker does not know (404) as failed', async () => {
    const { runtime, driver } = setup();
    const runId = await runtime.start({ workflow });
    const jobId = (await runtime.tick({ workflow, runId })).waiting!.waitKey!;
    worker.jobs.delete(jobId);
    expect(await driver.pollOnce()).toBe(1);
    const out = (await runtime.getState(runId)).output!['tool_results'] as JsonObject;
    expect((out['job'] as JsonObject)['error']).toBe(`Tool job ${jobId} is unknown to the worker (HTTP 404)`);
  });

  it('started, the driver polls on its own; a worker that is down leaves runs waiting and records why', async () => {
    const { runtime, driver } = setup();
    const runId = await runtime.start({ workflow });
    const jobId = (await runtime.tick({ workflow, runId })).waiting!.waitKey!;
    driver.start();
    try {
      Object.assign(worker.jobs.get(jobId)!, { status: 'completed', result: [{ call_id: 'c1', name: 'add', success: true, output: 5, error: null }] });
      await vi.waitFor(async () => expect((await runtime.getState(runId)).status).toBe('completed'));
      expect((await runtime.getState(runId)).output!['tool_results']).toEqual({ mode: 'executed', results: [{ call_id: 'c1', name: 'add', success: true, output: 5, error: null }] });
    } finally {
      await driver.stop();
    }
    expect(driver.isRunning).toBe(false);

    const gone = await LocalHttpServer.start(() => ({}));
    await gone.close();
    const other = setup();
    const waitingId = await other.runtime.start({ workflow });
    await other.runtime.tick({ workflow, runId: waitingId });
    const offline = new ToolJobDriver({ runtime: other.runtime, workflows: () => workflow, client: new ToolJobClient({ workerBaseUrl: gone.baseUrl }) });
    expect(await offline.pollOnce()).toBe(0);
    expect((await other.runtime.getState(waitingId)).status).toBe('waiting');
    expect(offline.stats.errors[0]).toMatch(new RegExp(`^${waitingId}: Tool worker could not be reached .*ECONNREFUSED`));
  });

  it('a submission the worker refuses fails the effect with a TOOL_JOB error', async () => {
    const refusing = await LocalHttpServer.start(() => ({ status: 503, body: { error: 'queue full' } }));
    try {
      const { runtime } = setup(refusing.baseUrl);
      const run = await runtime.tick({ workflow, runId: await runtime.start({ workflow }) });
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/^Effect failed after 1 attempts: Tool worker answered HTTP 503 .* to POST .*\/v1\/tool_jobs: \{"error":"queue full"\}$/);
    } finally {
      await refusing.close();
    }
  });
});
