import { describe, expect, it } from 'vitest';
import { type LedgerRecord } from '../../../shared/contract';
import { llmCallSummary } from './llm-call-summary';

const entry = (over: Partial<LedgerRecord>): LedgerRecord => ({
  seq: 1, runId: 'r', stepId: 's', nodeId: 'ask_llm', status: 'completed', effectType: 'llm_call', kind: 'effect', attempt: 1,
  startedAt: '2026-01-01T00:00:00+00:00', endedAt: '2026-01-01T00:00:01.250000+00:00', durationMs: 1250, actorId: null, error: null, failure: null,
  idempotencyKey: 'k', prevHash: null, recordHash: 'h', signature: null, effectJson: null, resultJson: null, recordJson: '{}', ...over,
});

describe('llmCallSummary', () => {
  it('shows the prompt, the answer, the tokens and the latency of a completed call', () => {
    const s = llmCallSummary(
      entry({
        effectJson: JSON.stringify({ type: 'llm_call', payload: { prompt: 'Name a fish', system_prompt: 'Be brief.' }, result_key: 'r' }),
        resultJson: JSON.stringify({ content: 'Cod.', tool_calls: null, usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 }, model: 'qwen3:4b', finish_reason: 'stop' }),
      }),
    );
    expect(s).toEqual({
      system: 'Be brief.', prompt: 'Name a fish', messageCount: 0, answer: 'Cod.', toolCalls: 0, model: 'qwen3:4b',
      promptTokens: 9, completionTokens: 2, totalTokens: 11, latencyMs: 1250, finishReason: 'stop',
    });
  });

  it('takes the last user message of a conversation and counts tool calls; no latency while started', () => {
    const s = llmCallSummary(
      entry({
        status: 'started',
        effectJson: JSON.stringify({ payload: { messages: [{ role: 'user', content: 'first' }, { role: 'assistant', content: 'x' }, { role: 'user', content: 'add 2 and 3' }] } }),
      }),
    );
    expect(s).toMatchObject({ prompt: 'add 2 and 3', messageCount: 3, answer: null, latencyMs: null, totalTokens: null });
    const withTools = llmCallSummary(entry({ effectJson: '{"payload":{"prompt":"p"}}', resultJson: '{"content":null,"tool_calls":[{"id":"c1"},{"id":"c2"}]}' }));
    expect(withTools?.toolCalls).toBe(2);
  });

  it('is null for other records', () => {
    expect(llmCallSummary(entry({ effectType: 'ask_user' }))).toBeNull();
    expect(llmCallSummary(entry({ effectType: null, kind: 'completion' }))).toBeNull();
  });
});
