import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../global-setup';

/**
 * The module of the README's "Write your first workflow", exactly as printed there: the tests
 * follow the section word for word, so the section cannot stop working unnoticed.
 */
export function firstWorkflowSource(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Write your first workflow'));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('README.md has no ```ts block under "## Write your first workflow"');
  return m[1]!;
}

/** `<parent>/my-workflows/triage.ts`, as step 1 of the section says; returns the folder and the file. */
export function writeFirstWorkflow(parent: string): { dir: string; file: string } {
  const dir = join(parent, 'my-workflows');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'triage.ts');
  writeFileSync(file, firstWorkflowSource());
  return { dir, file };
}
