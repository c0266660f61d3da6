/**
 * Bringing your own workflows (issue 17 item 1), through the real web host: a folder is added
 * behind the trust prompt, modules hot-reload, a broken reload keeps the previous version with
 * its error, and a run keeps the version it started with.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteWorkspace } from '../../runtime/storage/sqlite/index';
import { untilStatus, useHarness } from '../testing/studio-harness';

const h = useHarness();

/** A module whose one workflow asks, then completes with `greeting`: a change of text is a new version. */
const module = (greeting: string, marker: string) => `import { writeFileSync } from 'node:fs';
import { EffectType, WorkflowSpec } from 'abstractruntime';
writeFileSync(${JSON.stringify(marker)}, 'ran');
export const greet = new WorkflowSpec({
  workflowId: 'greet_mine',
  entryNode: 'ask',
  nodes: {
    ask: () => ({ nodeId: 'ask', effect: { type: EffectType.ASK_USER, payload: { prompt: 'Name?' }, resultKey: 'name' }, nextNode: 'done' }),
    done: () => ({ nodeId: 'done', completeOutput: { greeting: ${JSON.stringify(greeting)} } }),
  },
});
`;

describe('workflow folders', () => {
  it('refuses a folder outside the allowed roots and one that is not a folder, changing nothing', async () => {
    const bad = await h.raw('workflows.addFolder', { path: '/etc' });
    expect(bad.body).toMatchObject({ ok: false, error: { code: 'PATH_NOT_ALLOWED' } });
    const missing = await h.raw('workflows.addFolder', { path: join(h.dir, 'no-such-folder') });
    expect(missing.body).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await h.call('workspace.current', {}))?.workflowDirs).not.toContain('/etc');
  });

  it('adds a folder behind the trust prompt, hot-reloads it, keeps the previous version on a syntax error, and pins runs to their version', async () => {
    const path = join(h.dir, 'mine.studio.sqlite');
    SqliteWorkspace.open(path).close();
    await h.call('workspace.open', { path });
    const code = join(h.dir, 'my-workflows');
    mkdirSync(code);
    const marker = join(h.dir, 'my-code-ran');
    writeFileSync(join(code, 'greet.ts'), module('v1', marker));

    const asked = await h.call('workflows.addFolder', { path: code });
    expect(asked).toMatchObject({ readOnly: true, trust: { state: 'undecided', folders: [code] } });
    expect(existsSync(marker), 'the folder ran before the user trusted it').toBe(false);

    await h.call('workspace.trust', { path, trusted: true });
    const listed = await h.call('workflows.list', {});
    const v1 = listed.find((w) => w.workflowId === 'greet_mine')?.version;
    expect(v1).toMatch(/^[0-9a-f]{12}$/);

    const { runId } = await h.call('runs.start', { workflowId: 'greet_mine', pausedAtEntry: false });
    await untilStatus(h, runId, 'waiting');

    // A syntax error: the error says file and line, the v1 workflow stays loaded.
    writeFileSync(join(code, 'greet.ts'), 'export const workflows = [\n  new WorkflowSpec({ workflowId: "x" }\n');
    // (The harness's demo folder holds a broken module of its own: errors are told apart by file.)
    const mine = (e: { workspace: { loadErrors: Array<{ file: string; line?: number | null; message: string }> } }) => e.workspace.loadErrors.find((x) => x.file === join(code, 'greet.ts'));
    const broken = await h.waitForEvent('workflows.changed', (e) => mine(e) !== undefined);
    expect(mine(broken)).toMatchObject({ line: 3 });
    expect(mine(broken)?.message).toContain('still loaded: the previous version of greet_mine');
    expect(broken.workflows.find((w) => w.workflowId === 'greet_mine')?.version).toBe(v1);

    // Fixed with new code: a new version is loaded; the waiting run still finishes with v1's.
    writeFileSync(join(code, 'greet.ts'), module('v2', marker));
    const fixed = await h.waitForEvent('workflows.changed', (e) => mine(e) === undefined && e.workflows.some((w) => w.workflowId === 'greet_mine' && w.version !== v1));
    const v2 = fixed.workflows.find((w) => w.workflowId === 'greet_mine')?.version;
    const before = await h.call('runs.get', { runId });
    expect(before.workflowVersion).toEqual({ started: v1, loaded: v2, keepsStarted: true });
    const prompt = (await h.call('prompts.list', {})).find((p) => p.runId === runId);
    await h.call('prompts.answer', { runId, waitKey: prompt?.waitKey ?? null, payloadJson: JSON.stringify({ response: 'Ada' }) });
    const done = await untilStatus(h, runId, 'completed');
    expect(JSON.parse(done.outputJson ?? '{}')).toEqual({ greeting: 'v1' });

    const { runId: next } = await h.call('runs.start', { workflowId: 'greet_mine', pausedAtEntry: true });
    expect((await h.call('runs.get', { runId: next })).workflowVersion).toEqual({ started: v2, loaded: v2, keepsStarted: true });

    // No `graph:` in the module: the runs say what each node is and where it went.
    const inferred = await h.call('workflows.inferred', { workflowId: 'greet_mine' });
    expect(inferred.nodes).toEqual(expect.arrayContaining([
      { id: 'ask', kind: 'effect', effectType: 'ask_user', workflowId: null },
      { id: 'done', kind: 'terminal', effectType: null, workflowId: null },
    ]));
    expect(inferred.edges).toEqual([{ from: 'ask', to: 'done', runs: 1 }]);
    expect(inferred).toMatchObject({ runsScanned: 2, runsTotal: 2 });
  }, 30_000);
});
