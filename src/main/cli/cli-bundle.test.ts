/**
 * Audit bundles from the command line, as child processes: a SQLite workspace whose demo runs
 * (hello_world, ask_user_demo) the Studio's signing covered, then `keys`, `export --bundle` and
 * `verify <bundle>` (clean, tampered, pinned to trusted keys, unsigned).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorFingerprint, type JsonObject, type RunState } from '../../runtime/index';
import { noneProtector } from '../../runtime/provenance/index';
import { SqliteWorkspace } from '../../runtime/storage/sqlite/index';
import { SessionSigning } from '../service/signing/session-signing';
import { driveToEnd, harness, loadDemo } from './demo-harness';
import { runStudio, TempDirs } from './test-support';

const temps = new TempDirs();
let dir = '';
let wsPath = '';
let helloRun = '';
let askRun = '';

const answer = (r: RunState): JsonObject => ({ response: r.waiting?.choices?.[0] ?? 'Ada' });

beforeAll(async () => {
  dir = temps.make('bundle');
  wsPath = join(dir, 'demo.studio.sqlite');
  const ws = SqliteWorkspace.open(wsPath);
  const h = harness({ workflows: [...(await loadDemo('01-hello-world.ts')).workflows, ...(await loadDemo('02-ask-user.ts')).workflows], stores: { runStore: ws.runs, ledgerStore: ws.ledger } });
  const user = actorFingerprint({ kind: 'human', displayName: 'tester' });
  const signing = await SessionSigning.start(ws, h.runtime, { protector: noneProtector(), user, onError: (runId, e) => console.error(runId, e) });
  helloRun = await h.runtime.start({ workflow: h.registry.getOrRaise('hello_world') });
  await driveToEnd(h, helloRun);
  askRun = await h.runtime.start({ workflow: h.registry.getOrRaise('ask_user_demo') });
  await driveToEnd(h, askRun, answer);
  await signing.close();
  ws.close();
}, 60_000);
afterAll(() => temps.cleanup());

/** As a user without a passphrase (whatever the environment running the tests holds). */
const NO_PASSPHRASE = { env: { STUDIO_KEY_PASSPHRASE: '' } };
const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('studio keys', () => {
  it("lists the Studio's host key, and writes what verify --trusted reads", async () => {
    const table = await runStudio(['keys', wsPath]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/[0-9a-f]{32} +service +AbstractRuntime Studio +ar_[0-9a-f]{24} +none/);
    const json = await runStudio(['keys', wsPath, '--json']);
    expect(JSON.parse(json.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'service', display_name: 'AbstractRuntime Studio', key_id: expect.any(String) })]));
  });
});

describe('studio export --bundle, then studio verify <bundle>', () => {
  it('exports a signed, sealed bundle that verifies (exit 0), also against the pinned keys', async () => {
    const out = join(dir, 'ask.arbundle.jsonl');
    const r = await runStudio(['export', wsPath, askRun, '--bundle', '--out', out], NO_PASSPHRASE);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Signed with the workspace's unprotected key [0-9a-f]{32} of AbstractRuntime Studio/);
    expect(r.stdout).toContain(`Exported run ${askRun} to ${out}`);
    expect(r.stdout).toContain(`sha256 ${sha256(out)}`);

    // Without trusted keys the signatures only show that whoever holds the bundle's keys signed:
    // the verdict says so, and a CI gate fails (exit 3) unless it accepts that with --allow-untrusted.
    const verify = await runStudio(['verify', out]);
    expect(verify.code, verify.stdout).toBe(3);
    expect(verify.stdout).toMatch(/^NOT AUTHENTICATED: integrity verified; signer not authenticated: pass --trusted keys\.json/);
    expect(verify.stdout).not.toContain('everything holds');
    expect(verify.stdout).toContain('NOT checked against any trusted list');
    const untrustedJson = await runStudio(['verify', out, '--json']);
    expect(untrustedJson.code).toBe(3);
    expect(JSON.parse(untrustedJson.stdout)).toMatchObject({ ok: false, integrity: true, signer: 'not-authenticated', trust: 'unanchored' });
    const accepted = await runStudio(['verify', out, '--allow-untrusted']);
    expect(accepted.code, accepted.stdout).toBe(0);
    expect(accepted.stdout).toMatch(/^INTEGRITY VERIFIED: integrity verified; signer not authenticated \(accepted with --allow-untrusted\)/);

    const keys = join(dir, 'keys.json');
    writeFileSync(keys, (await runStudio(['keys', wsPath, '--json'])).stdout);
    const pinned = await runStudio(['verify', out, '--trusted', keys, '--require-seal', '--json']);
    expect(pinned.code).toBe(0);
    expect(JSON.parse(pinned.stdout)).toMatchObject({ ok: true, integrity: true, signer: 'authenticated', sealed: true, trust: 'trusted-keys', findings: [] });
    expect((await runStudio(['verify', out, '--trusted', keys])).stdout).toMatch(/^VERIFIED: everything holds, signed by trusted keys/);

    const strangers = join(dir, 'strangers.json');
    writeFileSync(strangers, '[]');
    expect((await runStudio(['verify', out, '--trusted', strangers])).code).toBe(1);
  });

  it('names the tampered record: exit 1', async () => {
    const out = join(dir, 'ask-again.arbundle.jsonl');
    expect((await runStudio(['export', wsPath, askRun, '--bundle', '--out', out], NO_PASSPHRASE)).code).toBe(0);
    const tampered = join(dir, 'ask-tampered.arbundle.jsonl');
    const lines = readFileSync(out, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.startsWith('{"line":')) + 1; // record 1
    const edited = lines[at]!.replace(/\\"node_id\\": \\"([^\\"]*)\\"/, '\\"node_id\\": \\"forged\\"');
    expect(edited).not.toBe(lines[at]);
    lines[at] = edited;
    writeFileSync(tampered, lines.join('\n'));
    const r = await runStudio(['verify', tampered]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^NOT VERIFIED/);
    expect(r.stdout).toMatch(/ERROR \[record 1\] record_changed: record 1 was changed after it was written/);
    expect(JSON.parse((await runStudio(['verify', tampered, '--json'])).stdout)).toMatchObject({ ok: false, firstBadSeq: 1 });
  });

  it('signs with a passphrase-protected key of the CLI when STUDIO_KEY_PASSPHRASE is set', async () => {
    const out = join(dir, 'hello-cli.arbundle.jsonl');
    const r = await runStudio(['export', wsPath, helloRun, '--bundle', '--out', out, '--no-artifacts'], { env: { STUDIO_KEY_PASSPHRASE: 'correct horse' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Signed with the passphrase-protected key [0-9a-f]{32} of studio CLI/);
    expect((await runStudio(['verify', out, '--require-seal'])).code).toBe(3);
    expect((await runStudio(['verify', out, '--require-seal', '--allow-untrusted'])).code).toBe(0);
    expect((await runStudio(['keys', wsPath])).stdout).toMatch(/service +studio CLI +ar_[0-9a-f]{24} +passphrase/);
  });

  it('exports unsigned-but-chained when no key can be unlocked, and says so', async () => {
    const fresh = join(temps.make('unsigned'), 'fresh.studio.sqlite');
    const bare = SqliteWorkspace.open(fresh); // a workspace no Studio ever signed: it holds no key
    const h = harness({ workflows: (await loadDemo('01-hello-world.ts')).workflows, stores: { runStore: bare.runs, ledgerStore: bare.ledger } });
    const unsigned = await h.runtime.start({ workflow: h.registry.getOrRaise('hello_world') });
    await driveToEnd(h, unsigned);
    bare.close();
    const out = join(dir, 'unsigned.arbundle.jsonl');
    const r = await runStudio(['export', fresh, unsigned, '--bundle', '--out', out], NO_PASSPHRASE);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('No signing key could be unlocked');
    expect(r.stdout).toContain('--allow-unsigned');
    const strict = await runStudio(['verify', out]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/unsigned_records/);
    // Nothing is signed, so there is no signer to authenticate: --allow-unsigned alone accepts that,
    // and the verdict says that nobody vouches for the records.
    const allowed = await runStudio(['verify', out, '--allow-unsigned']);
    expect(allowed.code, allowed.stdout).toBe(0);
    expect(allowed.stdout).toMatch(/^INTEGRITY VERIFIED: integrity verified; not signed: nothing says who wrote these records/);
    expect(JSON.parse((await runStudio(['verify', out, '--allow-unsigned', '--json'])).stdout)).toMatchObject({ ok: true, integrity: true, signer: 'unsigned' });
  });

  it('refuses bundle options elsewhere, and an existing output file (exit 2)', async () => {
    const wrong = await runStudio(['verify', wsPath, '--trusted', 'keys.json']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--trusted applies to an audit bundle only');
    const untrusted = await runStudio(['verify', wsPath, '--allow-untrusted']);
    expect(untrusted.code).toBe(2);
    expect(untrusted.stderr).toContain('--allow-untrusted applies to an audit bundle only');
    expect((await runStudio(['export', wsPath, helloRun, '--no-artifacts'])).code).toBe(2);
    const taken = await runStudio(['export', wsPath, helloRun, '--bundle', '--out', join(dir, 'ask.arbundle.jsonl')]);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('already exists');
  });
});
