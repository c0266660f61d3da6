import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute } from './route';

describe('route', () => {
  it('round-trips a run and a record', () => {
    const r = { view: 'run' as const, runId: 'a/b c', seq: 57 };
    expect(parseRoute(formatRoute(r))).toEqual(r);
    expect(formatRoute({ view: 'run', runId: 'r1', seq: null })).toBe('#/run/r1');
  });

  it('knows the other views and falls back to the empty run view', () => {
    expect(parseRoute('#/inbox')).toEqual({ view: 'inbox' });
    expect(parseRoute(formatRoute({ view: 'settings' }))).toEqual({ view: 'settings' });
    expect(parseRoute('')).toEqual({ view: 'run', runId: null, seq: null });
    expect(parseRoute('#/nonsense')).toEqual({ view: 'run', runId: null, seq: null });
  });
});

describe('route with a runs filter', () => {
  it('keeps the filter beside a run and a record, and beside any view', () => {
    const r = { view: 'run' as const, runId: 'r1', seq: 12, q: 'status:waiting workflow:x' };
    expect(formatRoute(r)).toBe('#/run/r1/12?q=status%3Awaiting+workflow%3Ax');
    expect(parseRoute(formatRoute(r))).toEqual(r);
    expect(parseRoute('#/inbox?q=archived%3Ayes')).toEqual({ view: 'inbox', q: 'archived:yes' });
    expect(parseRoute(formatRoute({ view: 'run', runId: null, seq: null, q: 'a b' }))).toEqual({ view: 'run', runId: null, seq: null, q: 'a b' });
  });
});
