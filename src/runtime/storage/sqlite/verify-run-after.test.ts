import { afterEach, describe, expect, it } from 'vitest';
import { sampleRecord } from './test-support/records';
import { TempWorkspaces } from './test-support/temp-workspace';

const temp = new TempWorkspaces();
afterEach(() => temp.cleanup());

describe('verifyRun after a verified head', () => {
  it('walks the whole run again when the head no longer holds the hash it was verified with', async () => {
    const ws = temp.create();
    for (let i = 0; i < 4; i++) await ws.ledger.append(sampleRecord('r', i));
    const first = await ws.verifyRun('r');
    const wrong = await ws.verifyRun('r', { after: { seq: 2, hash: 'f'.repeat(64) } });
    expect(wrong).toMatchObject({ ok: true, chain: 'verified', count: 4, checkedFrom: 0, headHash: first.headHash });
    const past = await ws.verifyRun('r', { after: { seq: 9, hash: first.headHash! } });
    expect(past).toMatchObject({ ok: true, count: 4, checkedFrom: 0 });
  });

  it('reads only the records after the head, and chains the first of them to it', async () => {
    const ws = temp.create();
    for (let i = 0; i < 3; i++) await ws.ledger.append(sampleRecord('r', i));
    const first = await ws.verifyRun('r');
    for (let i = 3; i < 6; i++) await ws.ledger.append(sampleRecord('r', i));
    const seen: number[] = [];
    const next = await ws.verifyRun('r', { after: { seq: 2, hash: first.headHash! }, onProgress: (done) => seen.push(done) });
    expect(next).toMatchObject({ ok: true, chain: 'verified', count: 6, checkedFrom: 3, errors: [] });
    expect(seen[0]).toBe(3);
    expect(next.headHash).toBe((await ws.verifyRun('r')).headHash);
  });
});
