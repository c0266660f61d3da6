/**
 * `studio verify` on the Python reference's data folder, run as a child process: a clean copy
 * verifies (exit 0); tampered copies fail (exit 1) naming the broken run and the record index.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyFolder, FIXTURE_DIR } from '../../runtime/storage/files/fixture-helpers';
import { runStudio, TempDirs } from './test-support';
import { type VerifyReport } from './verify-command';

const RUN = '00000000-0000-4000-8000-000000000001';
const temps = new TempDirs();
afterEach(() => temps.cleanup());

async function fixtureCopy(): Promise<string> {
  const dir = join(temps.make('fixture'), 'data');
  await copyFolder(FIXTURE_DIR, dir);
  return dir;
}

/** Rewrites the ledger lines of `RUN` in a copy of the fixture. */
function editLedger(dir: string, edit: (lines: string[]) => string[]): void {
  const file = join(dir, `ledger_${RUN}.jsonl`);
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  writeFileSync(file, `${edit(lines).join('\n')}\n`);
}

describe('studio verify <python data folder>', () => {
  it('verifies every chain of an untouched copy: exit 0', async () => {
    const r = await runStudio(['verify', await fixtureCopy()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('All 12 chains verified (38 records).');
    expect(r.stdout).toContain('Checked: the hash chains (integrity). Not checked: who wrote the records (Python ledgers carry no signatures).');
    expect(r.stdout).not.toContain('BROKEN');
  });

  it('names the run and the index of an edited record: exit 1', async () => {
    const dir = await fixtureCopy();
    editLedger(dir, (lines) => lines.map((l, i) => (i === 3 ? l.replace('"word_count"', '"word_c0unt"') : l)));
    const r = await runStudio(['verify', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`BROKEN +run ${RUN}`));
    expect(r.stdout).toContain('first bad record: index 3: Record 3 was changed after it was written');
    expect(r.stdout).toContain('1 of 12 chains broken.');
  });

  it('reports a deleted record at the index after it, and --json gives the same as data', async () => {
    const dir = await fixtureCopy();
    editLedger(dir, (lines) => lines.filter((_, i) => i !== 1));
    const r = await runStudio(['verify', dir, '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as VerifyReport;
    expect(report.ok).toBe(false);
    const broken = report.runs.filter((run) => !run.ok);
    expect(broken.map((run) => run.runId)).toEqual([RUN]);
    expect(broken[0]).toMatchObject({ firstBadIndex: 1, errors: [expect.objectContaining({ index: 1, type: 'prev_hash_mismatch' })] });
    expect(broken[0]?.errors[0]?.explanation).toContain('does not follow the record before it');
  });

  it('reports a line that is not JSON as unreadable', async () => {
    const dir = await fixtureCopy();
    editLedger(dir, (lines) => lines.map((l, i) => (i === 2 ? l.slice(0, 40) : l)));
    const r = await runStudio(['verify', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`run ${RUN}`);
    expect(r.stdout).toMatch(/index 2: Record 2 \(line 3\) cannot be read/);
  });

  it('verifies one run with --run, and refuses an unknown run with exit 2', async () => {
    const dir = await fixtureCopy();
    const one = await runStudio(['verify', dir, '--run', RUN]);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('The chain verified (5 records).');
    const unknown = await runStudio(['verify', dir, '--run', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('There is no ledger file for run nope');
    expect(unknown.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('studio: bad usage and unreadable input exit 2 with one clear message', () => {
  it.each([
    [['verify'], 'verify takes a workspace file, a Python data folder or SQLite store, or an audit bundle (got 0 arguments)'],
    [['verify', '/no/such/place'], '/no/such/place does not exist'],
    [['verify', '.', '--bogus'], "Unknown option '--bogus'"],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['runs', '.', '--limit', '0'], '--limit must be a whole number'],
    [['runs', '.', '--status', 'sleeping'], '--status must be one of running, waiting, completed, failed, cancelled'],
  ])('studio %j', async (args, message) => {
    const r = await runStudio(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a file that is not a workspace', async () => {
    const file = join(temps.make('junk'), 'notes.sqlite');
    writeFileSync(file, 'just some text, not a database'.repeat(10));
    const r = await runStudio(['verify', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not an AbstractRuntime workspace: it is not a SQLite database');
  });

  it('prints the usage with --help', async () => {
    const r = await runStudio(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: studio <command>');
    expect(r.stdout).toContain('--allow-untrusted');
    expect(r.stdout).toContain('3 when it verifies but no --trusted key authenticates its signer');
  });
});
