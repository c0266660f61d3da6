import { describe, expect, it } from 'vitest';
import { artifactRefs, describeJsonError, parseJsonTree, prettyJson, summarizeNode } from './json-tree';

describe('parseJsonTree', () => {
  it('keeps number lexemes exactly as Python wrote them', () => {
    const r = parseJsonTree('{"a": 1.0, "b": 1e-05, "c": 18446744073709551616}');
    expect(r.ok).toBe(true);
    if (!r.ok || r.node.kind !== 'object') throw new Error('expected an object');
    expect(r.node.entries.map(([k, v]) => [k, v.kind === 'number' ? v.lexeme : '?'])).toEqual([
      ['a', '1.0'], ['b', '1e-05'], ['c', '18446744073709551616'],
    ]);
  });

  it('recognises artifact references anywhere in a value', () => {
    const r = parseJsonTree('{"img": {"$artifact": "abc"}, "list": [{"$artifact": "def"}, {"$artifact": "abc"}]}');
    if (!r.ok) throw new Error(r.error);
    expect(artifactRefs(r.node)).toEqual(['abc', 'def']);
    expect(summarizeNode({ kind: 'object', entries: [], artifactId: 'abc' })).toBe('artifact abc');
  });

  it('reports invalid JSON instead of throwing', () => {
    expect(parseJsonTree('{"a":').ok).toBe(false);
  });
});

describe('prettyJson', () => {
  it('indents without changing numbers', () => {
    expect(prettyJson('{"x":[1.0,2]}')).toBe('{\n  "x": [\n    1.0,\n    2\n  ]\n}');
  });

  it('returns text it cannot parse unchanged', () => {
    expect(prettyJson('NaN?')).toBe('NaN?');
  });
});

describe('describeJsonError', () => {
  it('is null for valid JSON', () => {
    expect(describeJsonError('{"a": [1, 2]}')).toBeNull();
  });

  it('says on which line the problem is', () => {
    expect(describeJsonError('{\n  "a": 1,\n  "b": }')).toMatch(/^line 3, column/);
  });
});
