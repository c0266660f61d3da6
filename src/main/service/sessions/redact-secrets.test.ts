import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact-secrets';

describe('redactSecrets', () => {
  it('removes configured values (whole and without their scheme) and token-shaped text, and keeps the rest', () => {
    const text = 'HTTP 401: bad header "Bearer abc.DEF-123456", key abc.DEF-123456; also sk-proj-AAAAbbbbCCCCdddd and ghp_0123456789abcdefghijABCD; token xoxb-1234567890-abc';
    const out = redactSecrets(text, ['Bearer abc.DEF-123456']);
    expect(out).toBe('HTTP 401: bad header "[REDACTED]", key [REDACTED]; also [REDACTED] and [REDACTED]; token [REDACTED]');
    expect(redactSecrets('Authorization: basic dXNlcjpwYXNzd29yZA==', [])).toBe('Authorization: basic [REDACTED]');
    expect(redactSecrets('model qwen3:4b not found', ['abc'])).toBe('model qwen3:4b not found');
  });
});
