import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationNames, type OperationName } from '../../shared/contract/operations';
import { startHarness, type Harness } from '../testing/studio-harness';

/**
 * Property-based fuzz of the contract: random requests on every operation, some built from real
 * ids so they reach the service, most malformed. Whatever comes in, the answer is a well-formed
 * envelope, never an internal error, and a request that fails changes nothing.
 */
let h: Harness;
const runIds: string[] = [];

beforeAll(async () => {
  h = await startHarness();
  for (const workflowId of ['ask_user_demo', 'multi_step_demo', 'test_event']) {
    runIds.push((await h.call('runs.start', { workflowId, pausedAtEntry: workflowId === 'multi_step_demo' })).runId);
  }
  await h.service.idle();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

/** What a failed request must not change. */
async function fingerprint(): Promise<string> {
  const runs = await h.call('runs.query', { limit: 1000 });
  const ledgers: number[] = [];
  for (const r of runs.items) ledgers.push((await h.call('runs.get', { runId: r.runId })).ledgerCount);
  const snaps = await h.call('snapshots.list', {});
  const arts = await h.call('artifacts.list', {});
  const ws = await h.call('workspace.current', {});
  return JSON.stringify({ ws: ws?.path, runs: runs.items.map((r) => [r.runId, r.status, r.currentNode, r.paused]), ledgers, snaps: snaps.length, arts: arts.length });
}

const anyValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);
const field = (known: () => string[]) => fc.oneof(fc.constantFrom(...known()), anyValue, fc.string({ minLength: 300, maxLength: 5000 }));

function requestArb() {
  const fields = {
    runId: field(() => runIds),
    workflowId: field(() => ['ask_user_demo', 'multi_step_demo', 'nope']),
    nodeId: field(() => ['start', 'finish', 'ghost']),
    snapshotId: field(() => ['nope']),
    artifactId: field(() => ['../etc/passwd', 'nope']),
    jobId: field(() => ['nope']),
    path: field(() => ['/etc/passwd', '../../x', '/tmp/../etc/shadow']),
    waitKey: field(() => ['evt:go', 'k']),
    payloadJson: field(() => ['{', '[]', '{"a": 1.0}', 'null']),
    varsJson: field(() => ['{"x": 1}', '42']),
    seq: fc.oneof(fc.integer({ min: -5, max: 50 }), anyValue),
    fromSeq: fc.oneof(fc.integer({ min: -5, max: 50 }), anyValue),
    toSeq: fc.oneof(fc.integer({ min: -5, max: 50 }), anyValue),
    limit: fc.oneof(fc.integer({ min: -10, max: 100_000 }), anyValue),
    offset: fc.oneof(fc.integer({ min: -10, max: 100 }), anyValue),
    status: field(() => ['running', 'waiting', 'bogus']),
    enabled: anyValue,
    name: anyValue,
    tags: anyValue,
    text: anyValue,
    extra: anyValue,
  };
  return fc.record(fields, { requiredKeys: [] });
}

// Operations that may legitimately change state when they succeed; fuzz them with broken input only.
const MUTATING = new Set<OperationName>([
  'workspace.open', 'workspace.create', 'workspace.trust', 'workspace.openPythonFolder', 'runs.start', 'runs.step', 'runs.continue', 'runs.pause',
  'runs.setBreakpoint', 'runs.cancel', 'runs.resumeEvent', 'runs.fastForward', 'runs.fork', 'prompts.answer',
  'snapshots.create', 'snapshots.update', 'snapshots.delete', 'snapshots.restore',
]);

describe('contract fuzz', () => {
  it('answers random requests on every operation with typed envelopes and no side effects on failure', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...operationNames, 'runs.delete', '__proto__', ''), requestArb(), async (op, req) => {
        const before = await fingerprint();
        const res = await h.service.invoke(op, req);
        expect(typeof res.ok).toBe('boolean');
        if (!res.ok) {
          expect(res.error.code).not.toBe('INTERNAL');
          expect(res.error.message.length).toBeGreaterThan(10);
          await h.service.idle();
          expect(await fingerprint()).toBe(before);
        } else if (MUTATING.has(op as OperationName)) {
          await h.service.idle();
        }
      }),
      { numRuns: 250, seed: Number(process.env['FUZZ_SEED'] ?? 20261126) },
    );
  }, 120_000);

  it('takes the same random requests over real HTTP without a crash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...operationNames), requestArb(), async (op, req) => {
        const { status, body } = await h.raw(op, req);
        expect([200, 400, 403, 404, 409]).toContain(status);
        expect(typeof body.ok).toBe('boolean');
        if (!body.ok) expect(body.error.code).not.toBe('INTERNAL');
      }),
      { numRuns: 60, seed: 7 },
    );
    await h.service.idle();
  }, 120_000);
});
