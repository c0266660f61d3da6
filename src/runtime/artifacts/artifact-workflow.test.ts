import { describe, expect, it } from 'vitest';
import { WorkflowSpec } from '../core/spec';
import { type JsonObject } from '../json/json-value';
import { createScheduledRuntime } from '../scheduler/scheduled-runtime';
import { InMemoryArtifactStore } from '../storage/memory/memory-artifact-store';
import { memoryRuntime } from '../testing/test-workflows';
import { artifactRef, getArtifactId, isArtifactRef } from './artifact';
import { resolveArtifact } from './artifact-store';

describe('artifacts in workflows (test_artifacts.py)', () => {
  it('exposes the artifact store on the runtime, with a setter, and through the factory', async () => {
    const store = new InMemoryArtifactStore();
    const { runtime } = memoryRuntime({ artifactStore: store });
    expect(runtime.artifactStore).toBe(store);
    const other = new InMemoryArtifactStore();
    runtime.setArtifactStore(other);
    expect(runtime.artifactStore).toBe(other);
    expect(createScheduledRuntime({ artifactStore: store, autoStart: false }).runtime.artifactStore).toBe(store);
  });

  it('refs are {"$artifact": id}', () => {
    expect(artifactRef('abc')).toEqual({ $artifact: 'abc' });
    expect(isArtifactRef(artifactRef('abc'))).toBe(true);
    for (const v of [{ other: 1 }, 'abc', 1, null]) expect(isArtifactRef(v)).toBe(false);
    expect(getArtifactId(artifactRef('abc'))).toBe('abc');
  });

  it('a node stores a large result as an artifact and the next node resolves it', async () => {
    const store = new InMemoryArtifactStore();
    const big = Array.from({ length: 1000 }, (_, i) => i);
    const wf = new WorkflowSpec({
      workflowId: 'art',
      entryNode: 'produce',
      nodes: {
        produce: async (run) => {
          const meta = await store.storeJson({ items: big }, { runId: run.runId });
          run.vars['data_ref'] = artifactRef(meta.artifactId);
          return { nodeId: 'produce', nextNode: 'consume' };
        },
        consume: async (run) => {
          const art = await resolveArtifact(run.vars['data_ref'], store);
          const items = (JSON.parse(new TextDecoder().decode(art!.content)) as { items: number[] }).items;
          return { nodeId: 'consume', completeOutput: { count: items.length, ref: run.vars['data_ref'] as JsonObject } };
        },
      },
    });
    const { runtime } = memoryRuntime({ artifactStore: store });
    const runId = await runtime.start({ workflow: wf });
    const done = await runtime.tick({ workflow: wf, runId });
    expect(done.output!['count']).toBe(1000);
    expect(await store.loadJson(getArtifactId(done.output!['ref'] as { $artifact: string }))).toEqual({ items: big });
    expect(await store.listByRun(runId)).toHaveLength(1);
  });
});
