/**
 * `studio serve` as a child process: it prints a URL with a token, the contract answers on it
 * (the demo workflows loaded), a request without the token is refused, and Ctrl+C stops it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { API_PREFIX, TOKEN_HEADER, type WireResult } from '../../shared/contract/wire';
import { type WorkflowInfo } from '../../shared/contract/domain';
import { runStudio, spawnServe, TempDirs, type ServeChild } from './test-support';

const temps = new TempDirs();
const children: ServeChild['child'][] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  temps.cleanup();
});

describe('studio serve', () => {
  it('serves the contract on 127.0.0.1 with the demo workflows, behind the token, until Ctrl+C', async () => {
    const root = temps.make('serve');
    const page = join(root, 'page');
    mkdirSync(page);
    writeFileSync(join(page, 'index.html'), '<!doctype html><title>stub</title>');
    const { child, url, exit } = spawnServe(children, { STUDIO_USER_DATA: join(root, 'data'), STUDIO_RENDERER_DIR: page }, ['--workspace', join(root, 'w.studio.sqlite')]);
    const base = await url;
    const token = base.searchParams.get('token') ?? '';
    expect(token.length).toBeGreaterThan(16);

    const call = (headers: Record<string, string>): Promise<Response> =>
      fetch(new URL(`${API_PREFIX}workflows.list`, base), { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: '{}' });
    const refused = await call({});
    expect(refused.status).toBe(401);
    const answer = (await (await call({ [TOKEN_HEADER]: token })).json()) as WireResult<WorkflowInfo[]>;
    expect(answer.ok).toBe(true);
    const ids = answer.ok ? answer.result.map((w) => w.workflowId) : [];
    expect(ids).toEqual(expect.arrayContaining(['hello_world', 'ask_user_demo', 'react_agent_demo', 'everything_demo']));

    child.kill('SIGINT');
    expect(await exit).toBe(0);
  });

  it('says to build first when the page is missing (exit 2)', async () => {
    const root = temps.make('serve');
    const r = await runStudio(['serve'], { env: { STUDIO_USER_DATA: join(root, 'data'), STUDIO_RENDERER_DIR: join(root, 'nothing') } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Run "npm run build" first');
  });
});
