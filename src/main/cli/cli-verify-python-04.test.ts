/**
 * `studio verify` and `studio runs` on data written by the Python AbstractRuntime 0.4.28 (its
 * JSON-files folder and its SQLite store), run as a child process on real copies of the fixture:
 * unchained ledgers are listed and counted but not broken, `--require-chain` makes them fail, a
 * changed chained record fails at that record, and a path with nothing to verify exits 2.
 */
import Database from 'better-sqlite3';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT, runStudio, TempDirs } from './test-support';
import { type VerifyReport } from './verify-command';

const FIXTURE = resolve(PACKAGE_ROOT, 'test/fixtures/python-abstractruntime-0.4.28');
const MANIFEST = JSON.parse(readFileSync(join(FIXTURE, 'manifest.json'), 'utf8')) as Record<string, Record<string, string>>;
const CHAINED_FOLDER = MANIFEST['folder_chained']!;
const CHAINED_SQLITE = MANIFEST['sqlite_chained']!;
const temps = new TempDirs();
afterEach(() => temps.cleanup());

function copyFixture(): { folder: string; sqlite: string } {
  const dir = join(temps.make('py04'), 'fixture');
  cpSync(FIXTURE, dir, { recursive: true });
  return { folder: join(dir, 'folder'), sqlite: join(dir, 'runtime.sqlite3') };
}

const chainOf = (report: VerifyReport, runId: string): string | undefined => report.runs.find((r) => r.runId === runId)?.chain;

describe.each(['folder', 'sqlite'] as const)('studio verify on the Python 0.4.28 %s', (layout) => {
  const chained = layout === 'folder' ? CHAINED_FOLDER : CHAINED_SQLITE;
  const unchained = MANIFEST[`${layout}_unchained`]!;

  it('verifies the 6 chained runs, lists the 6 unchained ones as not chained: exit 0', async () => {
    const path = copyFixture()[layout];
    const r = await runStudio(['verify', path]);
    expect(r.stderr).not.toContain('Error');
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain(layout === 'folder' ? 'Python AbstractRuntime data folder' : 'Python AbstractRuntime 0.4 SQLite store');
    expect(r.stdout).toMatch(new RegExp(`not chained +run ${unchained['answered']}`));
    expect(r.stdout).not.toContain('BROKEN');
    expect(r.stdout).toContain('6 chains verified, 6 not chained (no hashes: nothing to check), 0 broken.');
    const json = await runStudio(['verify', path, '--json']);
    const report = JSON.parse(json.stdout) as VerifyReport;
    expect(report).toMatchObject({ ok: true, totals: { verified: 6, unchained: 6, broken: 0 } });
    for (const id of Object.values(chained)) expect(chainOf(report, id)).toBe('verified');
    for (const id of Object.values(unchained)) expect(chainOf(report, id)).toBe('unchained');
  });

  it('fails the unchained runs with --require-chain: exit 1', async () => {
    const path = copyFixture()[layout];
    const r = await runStudio(['verify', path, '--require-chain']);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toContain('6 runs are not chained and --require-chain was given.');
    const one = await runStudio(['verify', path, '--run', chained['answered']!, '--require-chain']);
    expect(one.code, one.stdout).toBe(0);
  });

  it('fails a copy with one chained record changed, at that record: exit 1', async () => {
    const copy = copyFixture();
    const runId = chained['answered']!;
    if (layout === 'folder') {
      const file = join(copy.folder, `ledger_${runId}.jsonl`);
      const lines = readFileSync(file, 'utf8').split('\n');
      lines[3] = lines[3]!.replace('eu-west', 'eu-east');
      writeFileSync(file, lines.join('\n'));
    } else {
      const db = new Database(copy.sqlite);
      db.prepare("UPDATE ledger SET record_json = replace(record_json, 'eu-west', 'eu-east') WHERE run_id = ? AND seq = 4").run(runId);
      db.close();
    }
    const r = await runStudio(['verify', copy[layout], '--json']);
    expect(r.code, r.stdout).toBe(1);
    const report = JSON.parse(r.stdout) as VerifyReport;
    expect(report.totals).toEqual({ verified: 5, unchained: 6, broken: 1 });
    expect(report.runs.find((x) => x.runId === runId)).toMatchObject({ chain: 'broken', firstBadIndex: 3, errors: [expect.objectContaining({ type: 'record_hash_mismatch' })] });
  });
});

describe('studio verify and runs on the Python 0.4 SQLite store leave the file as it was', () => {
  it('reads it without changing a byte or leaving -wal/-shm files', async () => {
    const { sqlite } = copyFixture();
    const before = readFileSync(sqlite);
    expect((await runStudio(['verify', sqlite])).code).toBe(0);
    const runs = await runStudio(['runs', sqlite, '--json']);
    expect(runs.code, runs.stderr).toBe(0);
    const rows = JSON.parse(runs.stdout) as Array<{ runId: string; status: string; paused: boolean }>;
    expect(rows).toHaveLength(12);
    expect(rows.find((row) => row.runId === CHAINED_SQLITE['paused'])).toMatchObject({ status: 'waiting', paused: true });
    expect(readFileSync(sqlite).equals(before)).toBe(true);
    expect(existsSync(`${sqlite}-wal`) || existsSync(`${sqlite}-shm`)).toBe(false);
  });

  it('lists the runs of the 0.4 folder with the paused one marked paused', async () => {
    const r = await runStudio(['runs', copyFixture().folder]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`${CHAINED_FOLDER['paused']} +await_webhook +paused`));
  });
});

describe('studio verify exits 2 and says so when it finds nothing to verify (issue 14 item 9)', () => {
  it.each([
    ['an empty folder', (dir: string) => dir],
    ['a docs/ folder', (dir: string) => {
      mkdirSync(join(dir, 'docs'));
      writeFileSync(join(dir, 'docs', 'README.md'), '# notes\n');
      return join(dir, 'docs');
    }],
    ['a folder named x.sqlite', (dir: string) => {
      mkdirSync(join(dir, 'x.sqlite'));
      return join(dir, 'x.sqlite');
    }],
  ])('%s', async (_label, make) => {
    const path = make(temps.make('nothing'));
    const r = await runStudio(['verify', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nothing to verify was found');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const json = await runStudio(['verify', path, '--json']);
    expect(json.code).toBe(2);
    expect(readdirSync(path).length).toBeLessThanOrEqual(1);
  });
});
