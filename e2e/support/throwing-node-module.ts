import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A workflow module for the e2e tests whose second node throws (a bug in workflow code): the
 * drive stops there with an error, which the Studio must show on that run. Written to a temp
 * folder; returns that folder, for `hostOptions.workflowDirs`.
 */
export function throwingNodeModuleDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'studio-e2e-modules-'));
  writeFileSync(join(dir, 'throwing-node.ts'), THROWING_NODE_MODULE);
  return dir;
}

const THROWING_NODE_MODULE = `import { WorkflowSpec } from 'abstractruntime';

export const workflows = [
  new WorkflowSpec({
    workflowId: 'throwing_node_e2e',
    entryNode: 'prepare',
    description: 'Its second node throws, like workflow code with a bug.',
    nodes: {
      prepare: () => ({ nodeId: 'prepare', nextNode: 'explode' }),
      explode: () => {
        throw new Error('explode is broken (simulated bug)');
      },
    },
  }),
];
`;
