import { describe, expect, it } from 'vitest';
import { rowAt, rowCount, type Expansion } from './run-rows';

const kids = (p: string, n: number) => Array.from({ length: n }, (_, i) => ({ runId: `${p}-c${i}`, workflowId: 'child', status: 'completed' as const }));

describe('runs list rows', () => {
  const expansions: Expansion[] = [
    { parentRunId: 'p5', topIndex: 5, children: kids('p5', 2) },
    { parentRunId: 'p1', topIndex: 1, children: kids('p1', 3) },
  ];

  it('counts children of expanded parents', () => {
    expect(rowCount(100_000, expansions)).toBe(100_005);
    expect(rowCount(100_000, [])).toBe(100_000);
  });

  it('places children right below their parent and shifts later runs down', () => {
    expect(rowAt(0, expansions)).toEqual({ kind: 'top', topIndex: 0 });
    expect(rowAt(1, expansions)).toEqual({ kind: 'top', topIndex: 1 });
    expect(rowAt(2, expansions)).toMatchObject({ kind: 'child', parentRunId: 'p1', depthIndex: 0 });
    expect(rowAt(4, expansions)).toMatchObject({ kind: 'child', parentRunId: 'p1', depthIndex: 2 });
    expect(rowAt(5, expansions)).toEqual({ kind: 'top', topIndex: 2 });
    expect(rowAt(8, expansions)).toEqual({ kind: 'top', topIndex: 5 });
    expect(rowAt(9, expansions)).toMatchObject({ kind: 'child', parentRunId: 'p5', depthIndex: 0 });
    expect(rowAt(11, expansions)).toEqual({ kind: 'top', topIndex: 6 });
    expect(rowAt(100_004, expansions)).toEqual({ kind: 'top', topIndex: 99_999 });
  });
});
