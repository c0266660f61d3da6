/**
 * `studio serve --workspace postgres://…` as a child process on a real PostgreSQL server: the
 * Studio attached to that workspace, named without its password in everything it prints; a URL
 * that fails is a usage error (exit 2) with its typed code, the password still nowhere.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freshSchema, usePgServer } from '../../runtime/storage/postgres/test-support/pg-workspaces';
import { type WorkspaceInfo } from '../../shared/contract/domain';
import { API_PREFIX, TOKEN_HEADER, type WireResult } from '../../shared/contract/wire';
import { runStudio, spawnServe, TempDirs, type ServeChild } from './test-support';

const pg = usePgServer();
const temps = new TempDirs();
const children: ServeChild['child'][] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  temps.cleanup();
});

function stubPage(root: string): string {
  const page = join(root, 'page');
  mkdirSync(page);
  writeFileSync(join(page, 'index.html'), '<!doctype html><title>stub</title>');
  return page;
}

describe('studio serve --workspace postgres://…', () => {
  it('serves the Studio attached to the workspace, its URL printed without the password', async () => {
    const schema = freshSchema('serve');
    await pg.open(schema); // the workers' side creates the workspace
    const root = temps.make('serve-pg');
    const env = { STUDIO_USER_DATA: join(root, 'data'), STUDIO_RENDERER_DIR: stubPage(root) };
    const { child, url, exit, output } = spawnServe(children, env, ['--workspace', `${pg.server().url}?schema=${schema}`]);
    const base = await url;
    expect(output()).toContain(`Studio serving postgres://test@127.0.0.1:${pg.server().port}/postgres?schema=${schema}`);
    const res = await fetch(new URL(`${API_PREFIX}workspace.current`, base), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: base.searchParams.get('token') ?? '' },
      body: '{}',
    });
    const current = (await res.json()) as WireResult<WorkspaceInfo>;
    expect(current).toMatchObject({ ok: true, result: { kind: 'postgres', path: expect.stringContaining(`schema=${schema}`) } });
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    expect(output()).not.toContain(pg.server().password);
  }, 60_000);

  it('refuses a wrong password with exit 2 and the typed code, never printing the password', async () => {
    const schema = freshSchema('serve');
    await pg.open(schema);
    const root = temps.make('serve-pg');
    const wrong = 'N0t-the-Passw0rd';
    const r = await runStudio(['serve', '--workspace', `${pg.server().urlWith({ password: wrong })}?schema=${schema}`], {
      env: { STUDIO_USER_DATA: join(root, 'data'), STUDIO_RENDERER_DIR: stubPage(root) },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('STORE_ERROR');
    expect(`${r.stdout}${r.stderr}`).not.toContain(wrong);
  }, 60_000);
});
