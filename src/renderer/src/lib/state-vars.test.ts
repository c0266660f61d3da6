import { describe, expect, it } from 'vitest';
import { checkVarsText, sameJson, varsEdits, varsTextOf } from './state-vars';

describe('state vars for the fork dialog', () => {
  it('keeps big and float-looking numbers exactly as saved', () => {
    const text = varsTextOf('{"status": "running", "vars": {"big": 12345678901234567890, "f": 1.0}}');
    expect(text).toContain('12345678901234567890');
    expect(text).toContain('1.0');
  });

  it('says what is wrong with bad JSON and with a value that is not an object', () => {
    const bad = checkVarsText('{"name": ');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/^Not valid JSON/);
    expect(checkVarsText('[1, 2]')).toEqual({ ok: false, message: 'The vars must be a JSON object, like {"name": "Ada"}.' });
    expect(checkVarsText('42').ok).toBe(false);
    expect(checkVarsText('{"a": 1}')).toEqual({ ok: true, text: '{"a": 1}' });
  });

  it('compares values, not formatting, without rounding numbers', () => {
    expect(sameJson('{"a": 1}', '{ "a":1 }')).toBe(true);
    expect(sameJson('{"a": 12345678901234567890}', '{"a": 12345678901234567891}')).toBe(false);
    expect(sameJson('{"a": 1}', '{"a": ')).toBe(false);
  });
});

describe('the edits of a fork, before it is made', () => {
  it('names each added, removed and changed path, numbers compared by their digits', () => {
    const before = '{"user": {"name": "Ada", "age": 36}, "big": 12345678901234567890, "tags": [1, 2]}';
    const after = '{"user": {"name": "Grace"}, "big": 12345678901234567891, "tags": [1, 2], "new": true}';
    expect(varsEdits(before, after)).toEqual([
      { path: 'vars.user.name', kind: 'changed' },
      { path: 'vars.user.age', kind: 'removed' },
      { path: 'vars.big', kind: 'changed' },
      { path: 'vars.new', kind: 'added' },
    ]);
    expect(varsEdits(before, before)).toEqual([]);
  });
});
