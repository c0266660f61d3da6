import { describe, expect, it } from 'vitest';
import { isPostgresUrl, parseAttachUrl, passwordKey } from './postgres-url';

describe('a PostgreSQL workspace URL, as the Studio keeps it', () => {
  it('splits the password off (any characters), spells the schema out, and puts the password back only to connect', () => {
    const pw = 'p@ss:w/rd ü%';
    const u = parseAttachUrl(`postgres://ada:${encodeURIComponent(pw)}@db.example:5433/runs`);
    expect(u.shown).toBe('postgres://ada@db.example:5433/runs?schema=abstractruntime');
    expect(u.password).toBe(pw);
    expect(decodeURIComponent(new URL(u.withPassword(pw)).password)).toBe(pw);
    expect(new URL(u.withPassword(null)).password).toBe('');
    expect(passwordKey(u.shown)).not.toContain(pw);
    // Typed with or without the password, with postgresql: or postgres:, it is the same workspace.
    expect(parseAttachUrl('postgres://ada@db.example:5433/runs?schema=abstractruntime').shown).toBe(u.shown);
    expect(parseAttachUrl('postgresql://ada:x@db.example:5433/runs').shown).toBe(u.shown);
  });

  it('refuses what is not a plain PostgreSQL URL, naming no password', () => {
    for (const bad of ['postgres://', 'mysql://u:hunter2@h/db', 'postgres://u:hunter2@h/db?schema=Not-Plain', 'postgres://u:%E0%A4%A@h/db']) {
      let err: unknown = null;
      try {
        parseAttachUrl(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toMatchObject({ code: 'WORKSPACE_INVALID', message: expect.not.stringContaining('hunter2') });
    }
    expect(isPostgresUrl('  postgresql://h/db')).toBe(true);
    expect(isPostgresUrl('/home/ada/postgres://x')).toBe(false);
  });
});
