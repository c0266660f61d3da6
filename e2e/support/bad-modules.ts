import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Workflow modules that cannot be used, in a temp folder for `hostOptions.workflowDirs`: one that
 * does not compile, and one whose workflow starts at a node it does not define.
 */
export function badModulesDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'studio-e2e-bad-modules-'));
  writeFileSync(join(dir, 'does-not-compile.ts'), 'export const workflows = [ this is not typescript');
  writeFileSync(
    join(dir, 'missing-entry.ts'),
    `import { WorkflowSpec } from 'abstractruntime';
export const workflows = [new WorkflowSpec({ workflowId: 'missing_entry_e2e', entryNode: 'begin', nodes: { start: () => ({ nodeId: 'start', completeOutput: {} }) } })];
`,
  );
  return dir;
}
