import { describe, expect, it } from 'vitest';
import { defaultRunFilters, formatRunQuery, parseRunQuery } from './run-query';

describe('the runs filter field', () => {
  it('an unknown key is a hint naming the keys it knows, not a search', () => {
    const r = parseRunQuery('stat:waiting');
    expect(r).toEqual({ ok: false, hint: expect.stringContaining('Unknown filter "stat:". Filters are status: workflow: wait: archived: sort:') });
  });

  it('a value a key does not take says which it does', () => {
    expect(parseRunQuery('status:paused')).toEqual({ ok: false, hint: 'status: is one of running, waiting, completed, failed, cancelled, deleted.' });
    expect(parseRunQuery('archived:maybe')).toEqual({ ok: false, hint: 'archived: is one of yes, no, any.' });
    expect(parseRunQuery('workflow:')).toMatchObject({ ok: false, hint: expect.stringContaining('workflow:hello_world') });
  });

  it('reads keys and words together, in any order', () => {
    expect(parseRunQuery('status:waiting  approve workflow:x wait:user')).toEqual({
      ok: true,
      filters: { ...defaultRunFilters, status: 'waiting', workflowId: 'x', waitReason: 'user', text: 'approve' },
    });
    expect(parseRunQuery('status:deleted archived:any sort:created_asc')).toEqual({ ok: true, filters: { ...defaultRunFilters, deletedOnly: true, archived: 'include', sort: 'created_asc' } });
  });

  it('fork:<run id> lists that run\'s forks, and formats back', () => {
    expect(parseRunQuery('fork:run-1 status:waiting')).toEqual({ ok: true, filters: { ...defaultRunFilters, forkOf: 'run-1', status: 'waiting' } });
    expect(formatRunQuery({ ...defaultRunFilters, forkOf: 'run-1' })).toBe('fork:run-1');
    expect(parseRunQuery('fork:')).toMatchObject({ ok: false, hint: expect.stringContaining('fork:<run id>') });
  });

  it('quotes keep a colon in a searched word', () => {
    expect(parseRunQuery('"http://x"')).toEqual({ ok: true, filters: { ...defaultRunFilters, text: 'http://x' } });
  });

  it('formats filters back to the text that parses to them', () => {
    for (const text of ['', 'status:waiting workflow:hello_world', 'status:deleted archived:yes sort:created hello', 'wait:until "a:b"']) {
      const r = parseRunQuery(text);
      if (!r.ok) throw new Error(r.hint);
      expect(parseRunQuery(formatRunQuery(r.filters))).toEqual(r);
    }
  });
});
