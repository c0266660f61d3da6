import { describe, expect, it } from 'vitest';
import { type LedgerRecord } from '../../../shared/contract';
import { buildConversation, costOf } from './conversation';

/** A ledger record as `ledger.conversation` answers it (the fields a conversation reads). */
function record(seq: number, stepId: string, status: LedgerRecord['status'], effect: object | null, result: object | null, extra: Partial<LedgerRecord> = {}): LedgerRecord {
  return {
    seq, runId: 'r1', stepId, nodeId: 'reason', status, effectType: effect ? (effect as { type: string }).type : null, kind: effect ? 'effect' : 'other',
    attempt: 1, startedAt: '', endedAt: null, durationMs: status === 'started' ? null : 120, actorId: 'ar_person', failure: null, prevHash: null, recordHash: null,
    error: null, idempotencyKey: null, signature: null, effectJson: effect ? JSON.stringify(effect) : null, resultJson: result ? JSON.stringify(result) : null, recordJson: '{}',
    ...extra,
  };
}

const call = { type: 'llm_call', payload: { system_prompt: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] } };
const pricing = { promptPerMillion: 1, completionPerMillion: 2 };

describe('a run read as a conversation', () => {
  it('a failed call without usage has no tokens and no cost, and is retryable only while it is the run\u2019s last record on a failed run', () => {
    const records = [record(0, 's1', 'started', call, null), record(1, 's1', 'failed', call, null, { error: 'HTTP 500: the model is down' })];
    const c = buildConversation(records, { pricing, runStatus: 'failed', ledgerTotal: 2 });
    expect(c.turns.map((t) => t.kind)).toEqual(['system', 'message', 'llm']);
    const llm = c.turns[2]!;
    expect(llm).toMatchObject({ kind: 'llm', status: 'failed', totalTokens: null, cost: null, error: 'HTTP 500: the model is down' });
    expect(c.totals).toMatchObject({ totalTokens: null, cost: null });
    expect(c.retryable).toEqual({ seq: 1, nodeId: 'reason' });
    expect(buildConversation(records, { pricing, runStatus: 'failed', ledgerTotal: 3 }).retryable).toBeNull();
    expect(buildConversation(records, { pricing, runStatus: 'running', ledgerTotal: 2 }).retryable).toBeNull();
  });

  it('sums tokens and cost over the calls, and shows each request\u2019s new user messages once', () => {
    const second = { type: 'llm_call', payload: { system_prompt: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }, { role: 'user', content: 'Bye' }] } };
    const c = buildConversation(
      [
        record(0, 's1', 'completed', call, { content: 'Hello', usage: { prompt_tokens: 1000, completion_tokens: 500 } }),
        record(1, 's2', 'completed', second, { content: 'Goodbye', usage: { prompt_tokens: 2000, completion_tokens: 100, total_tokens: 2100 } }),
      ],
      { pricing, runStatus: 'completed', ledgerTotal: 2 },
    );
    expect(c.turns.filter((t) => t.kind === 'message').map((t) => (t.kind === 'message' ? t.text : ''))).toEqual(['Hi', 'Bye']);
    expect(c.totals).toMatchObject({ promptTokens: 3000, completionTokens: 600, totalTokens: 3600 });
    expect(c.totals.cost).toBeCloseTo(0.0042, 10);
  });

  it('no price, or a price whose tokens were not reported, is no cost rather than a wrong one', () => {
    expect(costOf({ promptTokens: 10, completionTokens: 5, totalTokens: 15 }, { promptPerMillion: null, completionPerMillion: null })).toBeNull();
    expect(costOf({ promptTokens: null, completionTokens: 5, totalTokens: 5 }, pricing)).toBeNull();
    expect(costOf({ promptTokens: null, completionTokens: 5, totalTokens: 5 }, { promptPerMillion: null, completionPerMillion: 2 })).toBeCloseTo(0.00001, 12);
  });
});
