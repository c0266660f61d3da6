import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkflowSpec } from '../../runtime/index';
import { generateActorKey } from '../../runtime/provenance/index';
import { SqliteWorkspace } from '../../runtime/storage/sqlite/index';
import { loadWorkflowModule } from './workflow-loader';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function moduleFile(source: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ar-loader-'));
  dirs.push(dir);
  const file = join(dir, 'workflow.ts');
  await writeFile(file, source);
  return file;
}

describe('the workflow loader', () => {
  it("hands a module the Studio's own runtime under every entry of the published package", async () => {
    const file = await moduleFile(`
      import { WorkflowSpec } from 'abstractruntime';
      import { SqliteWorkspace } from 'abstractruntime/sqlite';
      import { createReactAgent, defineTool } from 'abstractruntime/integrations';
      import { generateActorKey } from 'abstractruntime/provenance';
      export const probe = defineTool({ name: 'probe' }, () => ({ WorkflowSpec, SqliteWorkspace, generateActorKey }));
      export const workflows = [createReactAgent({ workflowId: 'agent' })];
    `);
    const loaded = await loadWorkflowModule(file);
    expect(loaded.workflows.map((w) => w.workflowId)).toEqual(['agent']);
    expect(loaded.workflows[0]).toBeInstanceOf(WorkflowSpec);
    expect(loaded.tools.map((t) => t.toolDefinition?.name)).toEqual(['probe']);
    const seen = (loaded.tools[0] as unknown as () => Record<string, unknown>)();
    expect(seen['WorkflowSpec']).toBe(WorkflowSpec);
    expect(seen['SqliteWorkspace']).toBe(SqliteWorkspace);
    expect(seen['generateActorKey']).toBe(generateActorKey);
  });

  it('says which entry is unknown when a module imports one the package does not have', async () => {
    const file = await moduleFile(`import { x } from 'abstractruntime/nope'; export const y = x;`);
    await expect(loadWorkflowModule(file)).rejects.toThrow(/abstractruntime\/nope/);
  });
});
