/**
 * Secrets through a real Studio backend and a real fake LLM server on 127.0.0.1: an error body
 * that echoes the key never reaches the run, the ledger (the workspace file's bytes) or the
 * events.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeChatServer, type FakeChatServer } from '../../runtime/integrations/testing/fake-chat-server';
import { startHarness, type Harness } from '../testing/studio-harness';

const KEY = 'sk-live-7f3a9c2e41d84b6f';
let h: Harness;
let llm: FakeChatServer;
beforeAll(async () => {
  h = await startHarness();
  // The kind of answer a careless server gives: the key it was sent, echoed in the error.
  llm = await startFakeChatServer((req) => ({ status: 401, body: { error: { message: `Incorrect API key provided: ${String(req.headers.authorization)}. Key ${KEY} is revoked.` } } }));
}, 60_000);
afterAll(async () => {
  await llm?.close();
  await h?.close();
});

describe('an LLM error that echoes the key', () => {
  it('is written redacted: the run, its ledger, the workspace file and the events never hold the key', async () => {
    await h.call('settings.update', { llm: { baseUrl: llm.baseUrl, model: 'm', headers: [{ name: 'Authorization', secret: true, value: `Bearer ${KEY}` }] } });
    const run = await h.call('runs.start', { workflowId: 'llm_demo' });
    await h.service.idle();
    let detail = await h.call('runs.get', { runId: run.runId });
    for (let i = 0; i < 200 && detail.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      detail = await h.call('runs.get', { runId: run.runId });
    }
    expect(llm.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`); // it was sent, to the server it was entered for
    expect(detail.status).toBe('failed');
    expect(detail.error).toContain('[REDACTED]');
    const ledger = JSON.stringify(await h.call('ledger.page', { runId: run.runId }));
    const ws = (await h.call('workspace.current', {}))!.path;
    const files = [ws, `${ws}-wal`].map((f) => { try { return readFileSync(f).toString('latin1'); } catch { return ''; } }).join('');
    const events = JSON.stringify(h.events);
    for (const [where, text] of [['run', JSON.stringify(detail)], ['ledger', ledger], ['file', files], ['events', events]] as const) {
      expect(text.includes(KEY), where).toBe(false);
      expect(text.includes('7f3a9c2e41d84b6f'), where).toBe(false);
    }
  });
});
