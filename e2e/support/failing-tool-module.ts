import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A workflow module for the e2e tests: one tool call that fails (the tool throws), then
 * completion. The effect itself completes (the failure is inside its result), which the Studio
 * must show red. Written to a temp folder (it imports 'abstractruntime', which only the workflow
 * loader resolves); returns that folder, for `hostOptions.workflowDirs`.
 */
export function failingToolModuleDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'studio-e2e-modules-'));
  writeFileSync(join(dir, 'failing-tool.ts'), FAILING_TOOL_MODULE);
  return dir;
}

const FAILING_TOOL_MODULE = `import { EffectType, WorkflowSpec, defineTool } from 'abstractruntime';

export const brokenLookup = defineTool(
  { name: 'broken_lookup', description: 'Always fails, like a service that is down.', parameters: { type: 'object', properties: {} } },
  () => {
    throw new Error('lookup service is down (simulated)');
  },
);
export const tools = [brokenLookup];

export const workflows = [
  new WorkflowSpec({
    workflowId: 'failing_tool_e2e',
    entryNode: 'lookup',
    description: 'Calls a tool that fails, then completes.',
    nodes: {
      lookup: () => ({
        nodeId: 'lookup',
        effect: { type: EffectType.TOOL_CALLS, payload: { tool_calls: [{ name: 'broken_lookup', arguments: {}, call_id: 'c1' }] }, resultKey: 'lookup' },
        nextNode: 'done',
      }),
      done: () => ({ nodeId: 'done', completeOutput: { ok: true } }),
    },
  }),
];
`;
