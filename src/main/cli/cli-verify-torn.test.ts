/**
 * `studio verify` on a Python 0.4 folder whose ledger ends inside its last line (the process died
 * inside its write): it names the torn line, checks the complete records before it, and says it
 * left the file as it is. On a real copy of the 0.4.28 folder; the Studio's side of the same copy
 * is in src/main/service/sessions/python-torn-ledger.test.ts.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { PACKAGE_ROOT, runStudio, TempDirs } from './test-support';

const FIXTURE = resolve(PACKAGE_ROOT, 'test/fixtures/python-abstractruntime-0.4.28');
const RUN = '7c4fa5d5-b376-47cc-8e94-b82655b9fcbd'; // chained, answered: 5 records
const temps = new TempDirs();
afterEach(() => temps.cleanup());

it('studio verify names the torn line, checks the records before it, and says it left the file as it is', async () => {
  const folder = join(temps.make('torn-cli'), 'folder');
  cpSync(join(FIXTURE, 'folder'), folder, { recursive: true });
  const ledger = join(folder, `ledger_${RUN}.jsonl`);
  const lines = readFileSync(ledger, 'utf8').split('\n');
  writeFileSync(ledger, `${lines.slice(0, 4).join('\n')}\n${lines[4]!.slice(0, 60)}`);
  const before = readFileSync(ledger);
  const r = await runStudio(['verify', folder]);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(`TORN TAIL    run ${RUN}`);
  expect(r.stdout).toMatch(/Line 5 is torn: the file ends inside it.*The 4 complete records before it verified; the torn line is not a record and was left as it is \(verify writes nothing\)/s);
  expect(readFileSync(ledger).equals(before)).toBe(true);
});
