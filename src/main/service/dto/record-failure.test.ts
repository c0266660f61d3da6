import { describe, expect, it } from 'vitest';
import { type StepRecord } from '../../../runtime/index';
import { recordFailure } from './record-failure';

const record = (over: Partial<StepRecord>): StepRecord => ({ status: 'completed', error: null, effect: null, result: null, ...over }) as StepRecord;
const toolCalls = { type: 'tool_calls', payload: {}, resultKey: null } as unknown as StepRecord['effect'];

describe('recordFailure', () => {
  it('names the tool calls that failed inside a completed effect', () => {
    const r = record({ effect: toolCalls, result: { results: [{ name: 'lookup', success: false, error: 'down' }] } });
    expect(recordFailure(r)).toBe('Tool call lookup failed: down');
    const some = record({ effect: toolCalls, result: { results: [{ name: 'a', success: true, error: null }, { name: 'b', success: false, error: 'x' }] } });
    expect(recordFailure(some)).toBe('1 of 2 tool calls failed.\nTool call b failed: x');
  });

  it('is the error of a failed record, and null when nothing failed', () => {
    expect(recordFailure(record({ status: 'failed', error: 'boom' }))).toBe('boom');
    expect(recordFailure(record({ effect: toolCalls, result: { results: [{ name: 'a', success: true }] } }))).toBeNull();
    expect(recordFailure(record({}))).toBeNull();
  });
});
