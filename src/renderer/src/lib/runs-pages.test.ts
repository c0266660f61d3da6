import { describe, expect, it } from 'vitest';
import { runSummary } from '../test-support/fixtures';
import { RUNS_PAGE_SIZE, missingRunPages, newerSummary, patchExpansions, patchRunPages, runAt } from './runs-pages';
import { forkRow, toggleNestedRows } from './run-rows';

describe('runs pages', () => {
  it('asks only for the pages in view', () => {
    const pages = new Map([[0, [runSummary('a')]]]);
    expect(missingRunPages(pages, 100_000, 0, 50)).toEqual([]);
    expect(missingRunPages(pages, 100_000, 50_000, 50_030)).toEqual([Math.floor(50_000 / RUNS_PAGE_SIZE)]);
    expect(missingRunPages(new Map(), 10, 0, 500)).toEqual([0]);
  });

  it('patches a loaded run in place without reordering', () => {
    const pages = new Map([[0, [runSummary('a'), runSummary('b')]]]);
    const { pages: next, found } = patchRunPages(pages, runSummary('b', { status: 'completed' }));
    expect(found).toBe(true);
    expect(runAt(next, 1)?.status).toBe('completed');
    expect(runAt(pages, 1)?.status).toBe('running');
    expect(patchRunPages(pages, runSummary('zz')).found).toBe(false);
  });

  it('tells the later of two summaries by instant, whatever the time format', () => {
    const a = runSummary('a', { updatedAt: '2026-01-01T00:00:05+00:00' });
    const b = runSummary('a', { updatedAt: '2026-01-01T00:00:04.999999+00:00' });
    expect(newerSummary(a, b)).toBe(a);
    expect(newerSummary(b, a)).toBe(a);
    expect(newerSummary(a, runSummary('a', { updatedAt: a.updatedAt }))).toBe(a);
    expect(newerSummary(a, undefined)).toBe(a);
  });

  it('adds and updates the children of an expanded parent', () => {
    const exp = [{ parentRunId: 'p', topIndex: 0, children: [{ runId: 'c1', workflowId: 'w', status: 'running' as const }] }];
    const a = patchExpansions(exp, runSummary('c1', { parentRunId: 'p', status: 'completed' }));
    expect(a[0]!.children).toEqual([{ runId: 'c1', workflowId: 'wf', status: 'completed' }]);
    const b = patchExpansions(a, runSummary('c2', { parentRunId: 'p' }));
    expect(b[0]!.children.map((c) => c.runId)).toEqual(['c1', 'c2']);
    expect(patchExpansions(exp, runSummary('x'))).toBe(exp);
  });

  it('adds a new fork of an opened nested fork at the end of its rows, one level deeper', () => {
    const f1 = runSummary('f1', { forkedFrom: { runId: 'p', seq: 0, headHash: null, snapshotId: null }, forkCount: 1 });
    const exp = [{ parentRunId: 'p', topIndex: 0, children: [{ ...forkRow(f1), open: true }, forkRow(runSummary('g1'), 2), forkRow(runSummary('f2'))] }];
    const g2 = runSummary('g2', { forkedFrom: { runId: 'f1', seq: 0, headHash: null, snapshotId: null } });
    expect(patchExpansions(exp, g2)[0]!.children.map((c) => [c.runId, c.depth ?? 1])).toEqual([['f1', 1], ['g1', 2], ['g2', 2], ['f2', 1]]);
  });

  it('opens and closes the forks of a nested fork', () => {
    const rows = [forkRow(runSummary('f1')), forkRow(runSummary('f2'))];
    const opened = toggleNestedRows(rows, 'f1', [runSummary('g1'), runSummary('g2')]);
    expect(opened.map((c) => [c.runId, c.depth ?? 1, c.open ?? false])).toEqual([['f1', 1, true], ['g1', 2, false], ['g2', 2, false], ['f2', 1, false]]);
    expect(toggleNestedRows(opened, 'f1', null)).toEqual(rows);
  });

  it('adds a new fork of an expanded parent, with its whole row', () => {
    const exp = [{ parentRunId: 'p', topIndex: 0, children: [] }];
    const fork = runSummary('f1', { forkedFrom: { runId: 'p', seq: 2, headHash: null, snapshotId: null } });
    expect(patchExpansions(exp, fork)[0]!.children).toEqual([{ runId: 'f1', workflowId: 'wf', status: fork.status, relation: 'fork', summary: fork }]);
  });
});
