import { describe, expect, it } from 'vitest';
import { type StateChange } from '../../../shared/contract';
import { describeCounts, formatPath, groupStateChanges, totalCounts } from './diff-groups';

const ch = (path: string[], kind: StateChange['kind']): StateChange => ({ path, kind, beforeJson: null, afterJson: null });

describe('formatPath', () => {
  it('writes paths the way code would', () => {
    expect(formatPath(['vars', 'answer', 'response'])).toBe('vars.answer.response');
    expect(formatPath(['vars', 'items', '0', 'my key'])).toBe('vars.items[0]["my key"]');
    expect(formatPath([])).toBe('(root)');
  });
});

describe('groupStateChanges', () => {
  it('puts vars first, then where the run is, then the rest, each sorted by path', () => {
    const groups = groupStateChanges([
      ch(['updated_at'], 'changed'),
      ch(['current_node'], 'changed'),
      ch(['vars', 'z'], 'added'),
      ch(['vars', 'a'], 'removed'),
      ch(['status'], 'changed'),
      ch(['vars', 'm'], 'changed'),
    ]);
    expect(groups.map((g) => g.key)).toEqual(['vars', 'status', 'current_node', 'updated_at']);
    expect(groups[0]!.changes.map((c) => c.path[1])).toEqual(['a', 'm', 'z']);
    expect(groups[0]!.counts).toEqual({ added: 1, removed: 1, changed: 1 });
  });

  it('summarises counts in words', () => {
    const groups = groupStateChanges([ch(['vars', 'a'], 'added'), ch(['vars', 'b'], 'added'), ch(['status'], 'changed')]);
    expect(describeCounts(totalCounts(groups))).toBe('2 added, 1 changed');
    expect(describeCounts({ added: 0, removed: 0, changed: 0 })).toBe('no change');
  });
});
