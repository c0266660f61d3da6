/**
 * A Python 0.4 JSONL ledger whose last line is torn (the process died inside its write): the
 * Studio still shows the run, every complete record of it, and says the tail is torn on which
 * line (`studio verify` on it: src/main/cli/cli-verify-torn.test.ts). On real copies of the 0.4.28 folder.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LedgerPage, type RunDetail } from '../../../shared/contract/domain';
import { useHarness } from '../../testing/studio-harness';

const RUN = '7c4fa5d5-b376-47cc-8e94-b82655b9fcbd'; // chained, answered: 5 records

const h = useHarness();

/** A copy of the fixture folder whose ledger of RUN ends 60 bytes into its 5th line's write. */
function tornCopy(name: string): { folder: string; ledger: string } {
  const folder = join(h.dir, name);
  cpSync(join(h.dir, 'fixtures', 'python-abstractruntime-0.4.28', 'folder'), folder, { recursive: true });
  const ledger = join(folder, `ledger_${RUN}.jsonl`);
  const lines = readFileSync(ledger, 'utf8').split('\n');
  writeFileSync(ledger, `${lines.slice(0, 4).join('\n')}\n${lines[4]!.slice(0, 60)}`);
  return { folder, ledger };
}

describe('a torn last line of a Python 0.4 ledger', () => {
  it('shows the run with its complete records and a notice naming the torn line', async () => {
    const { folder, ledger } = tornCopy('torn-studio');
    const before = readFileSync(ledger);
    await h.call('workspace.openPythonFolder', { path: folder });
    const detail = (await h.call('runs.get', { runId: RUN })) as RunDetail;
    expect(detail.ledgerCount).toBe(4);
    expect(detail.ledgerNotice).toMatch(/Line 5 of ledger_7c4fa5d5-b376-47cc-8e94-b82655b9fcbd\.jsonl is torn/);
    const page = (await h.call('ledger.page', { runId: RUN, fromSeq: 0, limit: 50 })) as LedgerPage;
    expect(page.entries.map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    expect(readFileSync(ledger).equals(before)).toBe(true);
  });

  it('still refuses a damaged line that is not the last one', async () => {
    const { folder, ledger } = tornCopy('torn-middle');
    const lines = readFileSync(ledger, 'utf8').split('\n');
    writeFileSync(ledger, [lines[0], lines[1]!.slice(0, 30), lines[2], lines[3]].join('\n') + '\n');
    await h.call('workspace.openPythonFolder', { path: folder });
    expect((await h.raw('runs.get', { runId: RUN })).body).toMatchObject({ ok: false, error: { code: 'CORRUPT_FILE' } });
  });
});
