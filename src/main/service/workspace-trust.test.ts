/**
 * Workspace trust through the real web host: a workspace whose sidecar names a folder of modules
 * loads none of them until the user trusts it; a refusal opens it for inspection and is
 * remembered; another folder list asks again.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { WorkspaceTrust } from './workspace-trust';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteWorkspace } from '../../runtime/storage/sqlite/index';
import { useHarness } from '../testing/studio-harness';

const h = useHarness();

describe('workspace trust', () => {
  it('loads nothing before the user trusts the workspace, remembers a refusal, and asks again for other folders', async () => {
    const code = join(h.dir, 'their-code');
    mkdirSync(code);
    const marker = join(h.dir, 'code-ran');
    // Loading this module is running it: it leaves a file behind.
    writeFileSync(join(code, 'wf.ts'), `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport const workflows = [];\n`);
    const path = join(h.dir, 'sent-to-me.studio.sqlite');
    SqliteWorkspace.open(path).close();
    writeFileSync(`${path}.studio.json`, JSON.stringify({ workflowDirs: [code] }));

    const asked = await h.call('workspace.open', { path });
    expect(asked).toMatchObject({ readOnly: true, trust: { state: 'undecided', folders: [code] } });
    expect(existsSync(marker)).toBe(false);
    expect((await h.raw('runs.start', { workflowId: 'hello_world' })).body).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });

    const refused = await h.call('workspace.trust', { path, trusted: false });
    expect(refused).toMatchObject({ readOnly: true, trust: { state: 'refused' } });
    expect(await h.call('workspace.open', { path })).toMatchObject({ trust: { state: 'refused' } });
    expect(existsSync(marker)).toBe(false);

    const trusted = await h.call('workspace.trust', { path, trusted: true });
    expect(trusted).toMatchObject({ readOnly: false, trust: { state: 'trusted', folders: [code] } });
    expect(existsSync(marker)).toBe(true);

    writeFileSync(`${path}.studio.json`, JSON.stringify({ workflowDirs: [code, join(h.dir, 'more-code')] }));
    expect(await h.call('workspace.open', { path })).toMatchObject({ readOnly: true, trust: { state: 'undecided' } });
  });

  it('asks before loading when the workspace is created beside a sidecar that already names folders', async () => {
    const code = join(h.dir, 'their-code-2');
    mkdirSync(code);
    const marker = join(h.dir, 'code-2-ran');
    writeFileSync(join(code, 'wf.ts'), `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport const workflows = [];\n`);
    const path = join(h.dir, 'new-beside-sidecar.studio.sqlite');
    writeFileSync(`${path}.studio.json`, JSON.stringify({ workflowDirs: [code] }));

    expect(await h.call('workspace.create', { path })).toMatchObject({ readOnly: true, trust: { state: 'undecided', folders: [code] } });
    expect(existsSync(marker)).toBe(false);
    expect(await h.call('workspace.trust', { path, trusted: true })).toMatchObject({ readOnly: false });
    expect(existsSync(marker)).toBe(true);
  });

  it('keeps the answers across a restart (a new Studio reads the same file)', async () => {
    const file = join(h.dir, 'trust-restart.json');
    const before = new WorkspaceTrust(file);
    await before.decide('/w/a.sqlite', ['/code/a'], true);
    await before.decide('/w/b.sqlite', ['/code/b'], false);
    const after = new WorkspaceTrust(file);
    await after.load();
    expect([after.stateOf('/w/a.sqlite', ['/code/a']), after.stateOf('/w/b.sqlite', ['/code/b']), after.stateOf('/w/c.sqlite', ['/code/c'])]).toEqual(['trusted', 'refused', 'undecided']);
  });
});

describe('WorkspaceTrust file', () => {
  it('keeps a decision when the user data folder does not exist yet (a first start with STUDIO_USER_DATA pointing at a new folder)', async () => {
    const file = join(h.dir, 'new-user-data', 'nested', 'workspace-trust.json');
    const trust = new WorkspaceTrust(file);
    await trust.load();
    await trust.decide('/some/workspace.studio.sqlite', ['/code'], true);
    expect(existsSync(file)).toBe(true);
    const again = new WorkspaceTrust(file);
    await again.load();
    expect(again.stateOf('/some/workspace.studio.sqlite', ['/code'])).toBe('trusted');
  });
});
