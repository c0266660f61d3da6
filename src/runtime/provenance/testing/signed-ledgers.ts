/**
 * Signed ledgers made by the real runtime, for tests and benchmarks: a few runs with varied
 * records (unicode, Python floats and big integers, integer-like keys, prompts answered by a
 * person, a cancel, a failure), signed by a LedgerSigner as the Studio would.
 */
import { encodeStepRecord } from '../../core/codecs';
import { type StepRecord } from '../../core/models';
import { EffectOutcome } from '../../core/outcome';
import { Runtime } from '../../core/runtime';
import { WorkflowSpec } from '../../core/spec';
import { actorFingerprint } from '../../identity/actor-fingerprint';
import { JsonNumber } from '../../json/json-number';
import { type JsonObject } from '../../json/json-value';
import { ManualClock } from '../../json/timestamp';
import { HashChainedLedgerStore } from '../../ledger/hash-chained-ledger-store';
import { ledgerLineText } from '../../storage/files/jsonl-ledger-store';
import { InMemoryLedgerStore } from '../../storage/memory/memory-ledger-store';
import { InMemoryRunStore } from '../../storage/memory/memory-run-store';
import { type SignedCheckpoint } from '../checkpoints/checkpoint';
import { InMemoryChainCheckpointStore } from '../checkpoints/checkpoint-store';
import { type ActorKey } from '../keys/actor-key';
import { generateActorKey, signingKeyFromSeed, type SigningKey } from '../keys/key-store';
import { LedgerSigner } from '../signing/ledger-signer';
import { attestDecisionsOf } from '../signing/attest-decisions';

export interface SignedRun {
  runId: string;
  /** The JSONL lines exactly as Python writes them, without their "\n". */
  lines: string[];
  checkpoints: SignedCheckpoint[];
}

export interface SignedLedgers {
  runs: SignedRun[];
  keys: ActorKey[];
  host: SigningKey;
  human: SigningKey;
}

const UNICODE = ['héllo wörld', '日本語のテキスト', 'emoji 🎉🧪', 'rtl עברית', 'line\u2028sep', 'bell\u0007ctl', 'quote "and" \\slash', '\u{1F600} astral'];

function payload(i: number): JsonObject {
  return {
    prompt: `${UNICODE[i % UNICODE.length]} #${i}`,
    params: { temperature: new JsonNumber('1.0'), top_p: 0.25 * (i % 4), tiny: new JsonNumber('1e-05'), neg_zero: new JsonNumber('-0.0') },
    numbers: [i, 2n ** 70n + BigInt(i), new JsonNumber('1e+16'), 0.1],
    '10': { '2': 'integer-like keys', clé: 'ünïcode key' },
    nested: { list: [{ a: null, b: true }, [], {}], deep: { deeper: { deepest: `v${i}` } } },
  };
}

const llm = (_run: unknown, effect: { payload?: JsonObject }): EffectOutcome =>
  effect.payload?.['explode'] ? EffectOutcome.failed('exploded ☠') : EffectOutcome.completed({ content: 'réponse ✓', usage: { total_tokens: 12, cost: new JsonNumber('0.0') }, model: 'stub' });

const workflows = {
  loop: new WorkflowSpec({
    workflowId: 'unicode_loop',
    entryNode: 'step',
    nodes: {
      step: (run) => {
        const i = Number(run.vars['i'] ?? 0);
        if (i >= 24) return { nodeId: 'step', completeOutput: { steps: i, ratio: new JsonNumber('2.50') } };
        run.vars['i'] = i + 1;
        return { nodeId: 'step', effect: { type: 'llm_call', payload: payload(i), resultKey: `_temp.r${i % 3}` }, nextNode: 'step' };
      },
    },
  }),
  ask: new WorkflowSpec({
    workflowId: 'ask_twice',
    entryNode: 'ask1',
    nodes: {
      ask1: () => ({ nodeId: 'ask1', effect: { type: 'ask_user', payload: { prompt: 'Ton prénom ?' }, resultKey: 'name' }, nextNode: 'think' }),
      think: () => ({ nodeId: 'think', effect: { type: 'llm_call', payload: payload(3), resultKey: 'llm' }, nextNode: 'ask2' }),
      ask2: () => ({ nodeId: 'ask2', effect: { type: 'ask_user', payload: { prompt: 'Confirmer ? ✅', choices: ['oui', 'non'] }, resultKey: 'ok' }, nextNode: 'done' }),
      done: (run) => ({ nodeId: 'done', completeOutput: { name: run.vars['name'] ?? null, ok: run.vars['ok'] ?? null } }),
    },
  }),
  wait: new WorkflowSpec({
    workflowId: 'wait_then_cancel',
    entryNode: 'work',
    nodes: {
      work: () => ({ nodeId: 'work', effect: { type: 'llm_call', payload: payload(5), resultKey: 'w' }, nextNode: 'wait' }),
      wait: () => ({ nodeId: 'wait', effect: { type: 'wait_event', payload: { wait_key: 'évènement' }, resultKey: 'evt' }, nextNode: 'work' }),
    },
  }),
  fail: new WorkflowSpec({
    workflowId: 'failing',
    entryNode: 'boom',
    nodes: { boom: () => ({ nodeId: 'boom', effect: { type: 'llm_call', payload: { explode: true, why: 'tests ☠' } }, nextNode: 'boom' }) },
  }),
};

/** Builds the runs and signs them (checkpoints every `everyRecords` records, at every stop, and at each answer, by the person who answered). */
export async function buildSignedLedgers(options: { everyRecords?: number } = {}): Promise<SignedLedgers> {
  const clock = new ManualClock(1_750_000_000_000_000, 1_234);
  let id = 0;
  const newId = (): string => `00000000-0000-4000-8000-${String(++id).padStart(12, '0')}`;
  const hostActor = actorFingerprint({ kind: 'service', displayName: 'Studio host', metadata: { host: 'test' } });
  const hostPair = generateActorKey({ kind: 'service', displayName: hostActor.displayName, metadata: hostActor.metadata, actorId: hostActor.actorId }, '2025-06-15T15:06:40+00:00');
  const humanPair = generateActorKey({ kind: 'human', displayName: 'Zoë Auditor' }, '2025-06-15T15:06:41+00:00');
  const host = signingKeyFromSeed(hostPair.key, hostPair.seed);
  const human = signingKeyFromSeed(humanPair.key, humanPair.seed);
  const ledger = new InMemoryLedgerStore();
  const checkpoints = new InMemoryChainCheckpointStore();
  const runtime = new Runtime({ runStore: new InMemoryRunStore(), ledgerStore: new HashChainedLedgerStore(ledger), clock, newId, effectHandlers: { llm_call: llm } });
  const signer = new LedgerSigner({
    key: host,
    checkpoints,
    ledger,
    clock,
    everyRecords: options.everyRecords ?? 7,
    attest: attestDecisionsOf([human]),
  });
  signer.attach(runtime);
  const ids: string[] = [];
  const start = async (wf: WorkflowSpec): Promise<string> => {
    const runId = await runtime.start({ workflow: wf, actorId: 'ar_agent_0123456789abcdef0123' });
    ids.push(runId);
    await runtime.tick({ workflow: wf, runId });
    return runId;
  };
  // Flushes in between give both kinds of signature: one checkpoint of a key in a flush is signed
  // directly, several share one batch signature.
  await start(workflows.loop);
  await signer.flush();
  const asked = await start(workflows.ask);
  await runtime.resume({ workflow: workflows.ask, runId: asked, waitKey: null, payload: { response: 'Zoë 🌸' }, actorId: human.key.actorId });
  await signer.flush();
  await runtime.resume({ workflow: workflows.ask, runId: asked, waitKey: null, payload: { response: 'oui' }, actorId: human.key.actorId });
  const waiting = await start(workflows.wait);
  await runtime.cancelRun(waiting, { reason: 'annulé par Zoë', actorId: human.key.actorId });
  await signer.flush();
  await start(workflows.fail);
  await signer.close();
  if (signer.errors.length > 0) throw signer.errors[0]!.error;
  const runs: SignedRun[] = [];
  for (const runId of ids) {
    const lines = (await ledger.list(runId)).map((r) => ledgerLineText(r).slice(0, -1));
    runs.push({ runId, lines, checkpoints: await checkpoints.list(runId) });
  }
  return { runs, keys: [host.key, human.key], host, human };
}

/** The record dicts of a run (as a verifier parses the lines). */
export function recordsOf(records: readonly StepRecord[]): JsonObject[] {
  return records.map(encodeStepRecord);
}
