import { type StepRecord } from '../../../core/models';

/** A plain completed llm_call record for ledger tests (unchained: prev/record hash null). */
export function sampleRecord(runId: string, i: number, over: Partial<StepRecord> = {}): StepRecord {
  return {
    runId,
    stepId: `step-${i}`,
    nodeId: `node-${i % 3}`,
    status: 'completed',
    effect: { type: 'llm_call', payload: { prompt: `question ${i}`, model: 'stub' }, resultKey: 'answer' },
    result: { content: `answer ${i}` },
    error: null,
    startedAt: '2025-12-17T08:30:00.000001+00:00',
    endedAt: '2025-12-17T08:30:00.000002+00:00',
    actorId: null,
    sessionId: null,
    attempt: 1,
    idempotencyKey: `key-${i}`,
    prevHash: null,
    recordHash: null,
    signature: null,
    ...over,
  };
}
