/**
 * The Studio's signing in an open workspace: runs are checkpointed by the host's key when they
 * stop, the user's answers are attested by the user's key, runs another process left unsigned are
 * checkpointed at start-up, one workspace serves hosts that seal keys differently, and a key that
 * cannot be unlocked leaves the workspace usable but unsigned.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { actorFingerprint, EffectType, Runtime, WorkflowSpec } from '../../../runtime/index';
import { noneProtector, parseCheckpoint, passphraseProtector, verifyProvenance } from '../../../runtime/provenance/index';
import { SqliteWorkspace } from '../../../runtime/storage/sqlite/index';
import { MemorySecretStore } from '../secret-store';
import { SqliteSession } from '../sessions/sqlite-session';
import { SessionSigning } from './session-signing';
import { studioHostActor } from './signing-actors';

const ask = new WorkflowSpec({
  workflowId: 'ask',
  entryNode: 'ask',
  nodes: {
    ask: () => ({ nodeId: 'ask', effect: { type: EffectType.ASK_USER, payload: { prompt: 'ok?' }, resultKey: 'a' }, nextNode: 'done' }),
    done: () => ({ nodeId: 'done', completeOutput: { done: true } }),
  },
});
const user = actorFingerprint({ kind: 'human', displayName: 'tester', metadata: { app: 'AbstractRuntime Studio' } });
const errors: string[] = [];
const options = (protector = noneProtector()) => ({ protector, user, onError: (runId: string, e: Error) => void errors.push(`${runId}: ${e.message}`) });

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  errors.length = 0;
});
function workspacePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'studio-signing-'));
  dirs.push(dir);
  return join(dir, 'ws.studio.sqlite');
}

describe('the Studio signing a workspace', () => {
  it("checkpoints a run when it stops, with the user's answer attested by the user's own key", async () => {
    const ws = SqliteWorkspace.open(workspacePath());
    const runtime = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger });
    const signing = await SessionSigning.start(ws, runtime, options());
    const runId = await runtime.start({ workflow: ask });
    await runtime.tick({ workflow: ask, runId });
    await runtime.resume({ workflow: ask, runId, waitKey: null, payload: { response: 'yes' }, actorId: user.actorId });
    await signing.close();
    expect(errors).toEqual([]);
    const keys = (await ws.actorKeys.list()).map((r) => r.key);
    expect(keys.map((k) => k.actorId).sort()).toEqual([studioHostActor().actorId, user.actorId].sort());
    const report = verifyProvenance({ records: await ws.ledger.list(runId), checkpoints: await ws.chainCheckpoints.list(runId), keys, trustedKeys: keys });
    expect(report.findings).toEqual([]);
    expect(report.actors.find((a) => a.actorId === user.actorId)?.attested).toEqual([2]);
    ws.close();
  });

  it('checkpoints at start-up the runs another process left unsigned, and keeps signing with the same key', async () => {
    const path = workspacePath();
    const first = SqliteWorkspace.open(path);
    const bare = new Runtime({ runStore: first.runs, ledgerStore: first.ledger });
    const runId = await bare.start({ workflow: ask });
    await bare.tick({ workflow: ask, runId });
    first.close();
    const ws = SqliteWorkspace.open(path);
    const signing = await SessionSigning.start(ws, new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger }), options());
    expect(await signing.swept).toEqual([runId]);
    const cps = await ws.chainCheckpoints.list(runId);
    expect(cps.map((c) => (parseCheckpoint(c) as { ok: true; checkpoint: { claim: { seq: number; actorId: string } } }).checkpoint.claim)).toMatchObject([{ seq: 1, actorId: studioHostActor().actorId }]);
    const hostKeyId = signing.host.key.keyId;
    await signing.close();
    const again = await SessionSigning.start(ws, new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger }), options());
    expect(await again.swept).toEqual([]);
    expect(again.host.key.keyId).toBe(hostKeyId);
    await again.close();
    ws.close();
  });

  it('gives a host that seals keys another way its own key, and refuses to replace a key it cannot unlock', async () => {
    const ws = SqliteWorkspace.open(workspacePath());
    const runtime = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger });
    const web = await SessionSigning.start(ws, runtime, options());
    await web.close();
    const sealed = await SessionSigning.start(ws, runtime, options(passphraseProtector('right', { log2N: 10 })));
    expect(sealed.host.key.keyId).not.toBe(web.host.key.keyId);
    expect(sealed.host.key.actorId).toBe(web.host.key.actorId);
    await sealed.close();
    const back = await SessionSigning.start(ws, runtime, options());
    expect(back.host.key.keyId).toBe(web.host.key.keyId);
    await back.close();
    await expect(SessionSigning.start(ws, runtime, options(passphraseProtector('wrong', { log2N: 10 })))).rejects.toMatchObject({ reason: 'KEY_LOCKED' });
    expect((await ws.actorKeys.list()).filter((r) => r.key.actorId === web.host.key.actorId)).toHaveLength(2);
    ws.close();
  });

  it('opens a workspace whose key is locked, unsigned, and says why', async () => {
    const path = workspacePath();
    const session = (protector = noneProtector()) =>
      SqliteSession.open({ path, create: true, secrets: new MemorySecretStore(), extraWorkflowDirs: [], onDriveError: () => undefined, keyProtector: protector, user });
    const locked = passphraseProtector('right', { log2N: 10 });
    await (await session(locked)).close();
    const s = await session(passphraseProtector('wrong', { log2N: 10 }));
    expect(s.signing).toBeNull();
    expect(s.signingProblem).toMatch(/not signed in this session: The passphrase does not open this key/);
    await s.close();
  });
});
