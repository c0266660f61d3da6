/**
 * Tools hot-reload with the workflows of a folder (issue 17): a tool module that changes is
 * loaded again for new runs, a run already started keeps the tools it started with, and a
 * broken edit keeps the last good tool loaded with its error (file and line) beside it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteWorkspace } from '../../runtime/storage/sqlite/index';
import { untilStatus, useHarness } from '../testing/studio-harness';

const h = useHarness();

/** A tool in a file of its own: `shout` answers with its version in the text. */
const toolModule = (version: string) => `import { defineTool } from 'abstractruntime';
export const shout = defineTool(
  { name: 'shout', description: 'Shouts (${version}).', parameters: { type: 'object', properties: { text: { type: 'string' } } } },
  ({ text }) => \`\${String(text).toUpperCase()} (${version})\`,
);
`;

/** A workflow that waits for a go, then calls the tool, then completes with what it answered. */
const WORKFLOW = `import { EffectType, WorkflowSpec } from 'abstractruntime';
export const shouting = new WorkflowSpec({
  workflowId: 'shout_mine',
  entryNode: 'wait',
  nodes: {
    wait: () => ({ nodeId: 'wait', effect: { type: EffectType.ASK_USER, payload: { prompt: 'Go?' }, resultKey: 'go' }, nextNode: 'call' }),
    call: () => ({ nodeId: 'call', effect: { type: EffectType.TOOL_CALLS, payload: { tool_calls: [{ name: 'shout', arguments: { text: 'hi' }, call_id: 'c1' }] }, resultKey: 'said' }, nextNode: 'done' }),
    done: (run) => ({ nodeId: 'done', completeOutput: { said: run.vars['said'] } }),
  },
});
`;

async function toolDescription(): Promise<string | undefined> {
  return (await h.call('settings.get', {})).tools.find((t) => t.name === 'shout')?.description;
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function answer(runId: string): Promise<string> {
  const prompt = (await h.call('prompts.list', {})).find((p) => p.runId === runId);
  await h.call('prompts.answer', { runId, waitKey: prompt?.waitKey ?? null, payloadJson: JSON.stringify({ response: 'go' }) });
  const done = await untilStatus(h, runId, 'completed');
  return JSON.stringify(JSON.parse(done.outputJson ?? '{}'));
}

describe('tool hot reload', () => {
  it('reloads a changed tool file for new runs, keeps a started run on its tools, and keeps the last good tool on a broken edit', async () => {
    const path = join(h.dir, 'tools.studio.sqlite');
    SqliteWorkspace.open(path).close();
    await h.call('workspace.open', { path });
    const code = join(h.dir, 'tool-workflows');
    mkdirSync(code);
    writeFileSync(join(code, 'shout-tool.ts'), toolModule('v1'));
    writeFileSync(join(code, 'shout-workflow.ts'), WORKFLOW);
    await h.call('workflows.addFolder', { path: code });
    await h.call('workspace.trust', { path, trusted: true });
    expect(await toolDescription()).toBe('Shouts (v1).');

    // A run started on v1 waits; the tool file changes under it.
    const { runId: early } = await h.call('runs.start', { workflowId: 'shout_mine', pausedAtEntry: false });
    await untilStatus(h, early, 'waiting');
    writeFileSync(join(code, 'shout-tool.ts'), toolModule('v2'));
    await until(async () => (await toolDescription()) === 'Shouts (v2).', 'the v2 tool to load');

    // A new run calls the new tool; the early run still calls the one it started with.
    const { runId: late } = await h.call('runs.start', { workflowId: 'shout_mine', pausedAtEntry: false });
    await untilStatus(h, late, 'waiting');
    expect(await answer(late)).toContain('HI (v2)');
    expect(await answer(early)).toContain('HI (v1)');

    // A syntax error: shown with file and line, and v2 stays the tool new runs call.
    writeFileSync(join(code, 'shout-tool.ts'), "import { defineTool } from 'abstractruntime';\nexport const shout = defineTool(\n  { name: 'shout' ,,\n");
    const file = join(code, 'shout-tool.ts');
    const broken = await h.waitForEvent('workflows.changed', (e) => e.workspace.loadErrors.some((x) => x.file === file));
    const error = broken.workspace.loadErrors.find((x) => x.file === file);
    expect(error?.line).toBe(3);
    expect(error?.message).toContain("still loaded: the previous version of tool 'shout'");
    expect(await toolDescription()).toBe('Shouts (v2).');
    const { runId: after } = await h.call('runs.start', { workflowId: 'shout_mine', pausedAtEntry: false });
    await untilStatus(h, after, 'waiting');
    expect(await answer(after)).toContain('HI (v2)');
  }, 60_000);
});
