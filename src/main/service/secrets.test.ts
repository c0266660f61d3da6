/**
 * Secrets through a real Studio backend and real fake LLM servers on 127.0.0.1: an error body
 * that echoes the key never reaches the run, the ledger (the workspace file's bytes) or the
 * events; a secret goes only to the origin it was entered for.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatAnswer, startFakeChatServer, type FakeChatServer } from '../../runtime/integrations/testing/fake-chat-server';
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
    const page = await h.call('ledger.page', { runId: run.runId });
    const records = await Promise.all(page.entries.map((e) => h.call('ledger.record', { runId: run.runId, seq: e.seq })));
    const ledger = JSON.stringify([page, records]);
    const ws = (await h.call('workspace.current', {}))!.path;
    const files = [ws, `${ws}-wal`].map((f) => { try { return readFileSync(f).toString('latin1'); } catch { return ''; } }).join('');
    const events = JSON.stringify(h.events);
    for (const [where, text] of [['run', JSON.stringify(detail)], ['ledger', ledger], ['file', files], ['events', events]] as const) {
      expect(text.includes(KEY), where).toBe(false);
      expect(text.includes('7f3a9c2e41d84b6f'), where).toBe(false);
    }
  });
});

describe('a secret is bound to the origin it was entered for', () => {
  it('is not sent when only the base URL changes; the new server needs it entered again', async () => {
    const first = await startFakeChatServer({ body: chatAnswer('ok') });
    const second = await startFakeChatServer({ body: chatAnswer('ok') });
    try {
      await h.call('settings.update', { llm: { baseUrl: first.baseUrl, model: 'm', headers: [{ name: 'Authorization', secret: true, value: 'Bearer first-server-key-123' }] } });
      expect(await h.call('settings.testLlm', {})).toMatchObject({ ok: true });
      expect(first.requests.at(-1)!.headers.authorization).toBe('Bearer first-server-key-123');

      const moved = await h.call('settings.update', { llm: { baseUrl: second.baseUrl } });
      expect(moved.llm.headers).toEqual([{ name: 'Authorization', secret: true, value: null, stored: false }]);
      await h.call('settings.testLlm', {});
      expect(second.requests.length).toBe(1);
      expect(second.requests[0]!.headers.authorization).toBeUndefined();

      await h.call('settings.update', { llm: { headers: [{ name: 'Authorization', secret: true, value: 'Bearer second-server-key-456' }] } });
      await h.call('settings.testLlm', {});
      expect(second.requests.at(-1)!.headers.authorization).toBe('Bearer second-server-key-456');
      // Back to the first server: its own secret, never the second's.
      await h.call('settings.update', { llm: { baseUrl: first.baseUrl } });
      await h.call('settings.testLlm', {});
      expect(first.requests.at(-1)!.headers.authorization).toBe('Bearer first-server-key-123');
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('sends STUDIO_LLM_API_KEY only to the origin of STUDIO_LLM_BASE_URL, never to a URL the workspace sets', async () => {
    const envServer = await startFakeChatServer({ body: chatAnswer('ok') });
    const other = await startFakeChatServer({ body: chatAnswer('ok') });
    const saved = { key: process.env['STUDIO_LLM_API_KEY'], base: process.env['STUDIO_LLM_BASE_URL'] };
    process.env['STUDIO_LLM_API_KEY'] = 'env-key-0123456789';
    process.env['STUDIO_LLM_BASE_URL'] = envServer.baseUrl;
    try {
      await h.call('settings.update', { llm: { baseUrl: other.baseUrl, model: 'm', headers: [] } });
      await h.call('settings.testLlm', {});
      expect(other.requests.length).toBe(1);
      expect(other.requests[0]!.headers.authorization).toBeUndefined();
      await h.call('settings.update', { llm: { baseUrl: null } }); // falls back to STUDIO_LLM_BASE_URL
      await h.call('settings.testLlm', {});
      expect(envServer.requests.at(-1)!.headers.authorization).toBe('Bearer env-key-0123456789');
    } finally {
      for (const [k, v] of [['STUDIO_LLM_API_KEY', saved.key], ['STUDIO_LLM_BASE_URL', saved.base]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await envServer.close();
      await other.close();
    }
  });
});
