import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../shared/contract';
import { describeError } from './error-advice';
import { answerPayload, approvalPayload, checkJsonInput, rejectionPayload } from './prompt-payloads';

describe('prompt payloads', () => {
  it('answers ask_user the way the reference does', () => {
    expect(JSON.parse(answerPayload('green'))).toEqual({ response: 'green' });
  });

  const calls = '[{"name": "add", "arguments": {"a": 1.0}, "call_id": "c1"}, {"name": "note", "arguments": {"text": "hi"}}]';

  it('approves every call by its key, as the runtime expects', () => {
    expect(JSON.parse(approvalPayload(calls, null))).toEqual({ decisions: { c1: { approved: true }, '#1': { approved: true } } });
  });

  it('sends edited arguments only for calls that changed, keeping number lexemes', () => {
    const edited = '[{"name": "add", "arguments": {"a": 2.50}, "call_id": "c1"}, {"name": "note", "arguments": {"text": "hi"}}]';
    expect(approvalPayload(calls, edited)).toBe('{"decisions":{"c1":{"approved":true,"arguments":{"a":2.50}},"#1":{"approved":true}}}');
    expect(() => approvalPayload(calls, '[]')).toThrow(/keep the 2 calls/);
  });

  it('rejects every call with the reason', () => {
    expect(JSON.parse(rejectionPayload(calls, ' '))).toEqual({ decisions: { c1: { approved: false, reason: 'Rejected in the Studio' }, '#1': { approved: false, reason: 'Rejected in the Studio' } } });
  });

  it('says what is wrong with typed JSON and where', () => {
    expect(checkJsonInput('{"ok": true}', 'event payload')).toBeNull();
    expect(checkJsonInput('  ', 'event payload')).toMatch(/is empty/);
    expect(checkJsonInput('{"a": }', 'event payload')).toMatch(/not valid JSON \(line 1, column/);
  });
});

describe('describeError', () => {
  it('adds what to do when the backend message does not say it', () => {
    const r = describeError(new StudioError('READ_ONLY', 'This workspace cannot be changed.'), 'Could not step the run');
    expect(r).toEqual({
      title: 'Could not step the run',
      message: 'This workspace cannot be changed.',
      advice: 'This workspace is opened read-only for audit. Open a Studio workspace to change runs.',
      code: 'READ_ONLY',
    });
  });

  it('turns a plain Error into an INTERNAL report', () => {
    expect(describeError(new Error('boom'), 'x').code).toBe('INTERNAL');
  });
});
