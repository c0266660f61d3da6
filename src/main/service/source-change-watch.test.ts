import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/studio-harness';
import { SOURCE_WATCH_INTERVAL_MS } from './source-change-watch';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const changes = () => h.events.filter((e) => e.event === 'workspace.dataChanged').length;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the open workspace is watched for writes made behind the Studio', () => {
  it('stays quiet for its own runs, and announces a commit made by another connection', async () => {
    const run = await h.call('runs.start', { workflowId: 'ask_user_demo' });
    await h.service.idle();
    await h.call('prompts.answer', { runId: run.runId, waitKey: (await h.call('prompts.list', {}))[0]!.waitKey, payloadJson: '{"response": "Ada"}' });
    await h.service.idle();
    await pause(SOURCE_WATCH_INTERVAL_MS * 3);
    expect(changes()).toBe(0);

    const path = h.service.session!.info.path;
    const other = new Database(path);
    try {
      other.pragma('busy_timeout = 5000');
      other.exec("UPDATE runs SET workflow_id = workflow_id WHERE created_seq = (SELECT min(created_seq) FROM runs)");
    } finally {
      other.close();
    }
    const event = await h.waitForEvent('workspace.dataChanged', () => true, 5000);
    expect(event).toEqual({ sourceId: path });
  });
});
