import { describe, expect, it } from 'vitest';
import { StudioError, type WorkspaceSettings } from '../../../shared/contract';
import { FakeClient } from '../test-support/fake-client';
import { buildUpdate, createSettingsStore, draftOf, fieldErrorsOf } from './settings-store';
import { createUiStore } from './ui-store';

const settings = (over: Partial<WorkspaceSettings['llm']> = {}): WorkspaceSettings => ({
  llm: {
    baseUrl: 'http://127.0.0.1:11434',
    model: 'llama3',
    timeoutS: 60,
    headers: [
      { name: 'Authorization', secret: true, value: null, stored: true },
      { name: 'X-Team', secret: false, value: 'qa', stored: true },
    ],
    ...over,
  },
  tools: [
    { name: 'save_artifact', description: 'Saves an artifact', requiresApproval: false, source: null },
    { name: 'write_note', description: 'Writes a note', requiresApproval: true, source: '/w/tools.ts' },
  ],
  secretStorage: 'memory',
  pricing: { promptPerMillion: null, completionPerMillion: null },
});

const setup = (initial = settings()) => {
  let current = initial;
  const client = new FakeClient()
    .on('settings.get', () => current)
    .on('settings.update', (req) => {
      current = { ...current, llm: { ...current.llm, baseUrl: req.llm?.baseUrl ?? null, model: req.llm?.model ?? null, timeoutS: req.llm?.timeoutS ?? 60 } };
      return current;
    })
    .on('settings.testLlm', () => ({ ok: true, message: 'The server answered in 12 ms.', latencyMs: 12, model: 'stub' }));
  const ui = createUiStore();
  return { client, ui, store: createSettingsStore(client, ui) };
};

describe('settings store', () => {
  it('keeps a stored secret by leaving its value out, and never holds the secret itself', async () => {
    const { client, store } = setup();
    await store.getState().load();
    const auth = store.getState().draft.headers[0]!;
    expect(auth).toMatchObject({ name: 'Authorization', secret: true, stored: true, value: '', secretAction: 'keep' });
    store.getState().setField('model', 'qwen');
    expect(await store.getState().save()).toBe(true);
    const req = client.callsOf('settings.update')[0] as { llm: { headers: unknown[]; model: string } };
    expect(req.llm.model).toBe('qwen');
    expect(req.llm.headers).toEqual([{ name: 'Authorization', secret: true }, { name: 'X-Team', secret: false, value: 'qa' }]);
    expect(store.getState().dirty).toBe(false);
  });

  it('replaces a stored secret with a typed value, and removes one with null', () => {
    const d = draftOf(settings());
    const key = d.headers[0]!.key;
    const replace = buildUpdate({ ...d, headers: d.headers.map((h) => (h.key === key ? { ...h, secretAction: 'replace' as const, value: 'Bearer new' } : h)) });
    expect(replace.request?.llm?.headers?.[0]).toEqual({ name: 'Authorization', secret: true, value: 'Bearer new' });
    const remove = buildUpdate({ ...d, headers: d.headers.map((h) => (h.key === key ? { ...h, secretAction: 'remove' as const } : h)) });
    expect(remove.request?.llm?.headers?.[0]).toEqual({ name: 'Authorization', secret: true, value: null });
    // Replacing without typing a value is a mistake, not a removal.
    const empty = buildUpdate({ ...d, headers: d.headers.map((h) => (h.key === key ? { ...h, secretAction: 'replace' as const } : h)) });
    expect(empty.errors).toEqual({ 'headers.0': 'Type the new secret value, or cancel the replacement.' });
  });

  it('sends empty URL and model as null, and checks the timeout before sending', () => {
    const d = { ...draftOf(settings({ headers: [] })), baseUrl: ' ', model: '' };
    expect(buildUpdate(d).request?.llm).toMatchObject({ baseUrl: null, model: null, timeoutS: 60, headers: [] });
    expect(buildUpdate({ ...d, timeoutS: 'soon' }).errors).toHaveProperty('timeoutS');
    expect(buildUpdate({ ...d, timeoutS: '0' }).errors).toHaveProperty('timeoutS');
  });

  it('shows the backend validation problems next to their fields and keeps the edits', async () => {
    const { client, store, ui } = setup();
    client.on('settings.update', () => {
      throw new StudioError('BAD_REQUEST', 'Invalid request for settings.update: llm.baseUrl: Invalid URL.', { problems: ['llm.baseUrl: Invalid URL', 'llm.headers.1.name: Invalid string: must match pattern'] });
    });
    await store.getState().load();
    store.getState().setField('baseUrl', 'ftp://x');
    expect(await store.getState().save()).toBe(false);
    const s = store.getState();
    expect(s.saveError).toMatch(/^Not saved: Invalid request/);
    expect(s.fieldErrors['baseUrl']).toMatch(/http:\/\/ or https:\/\//);
    expect(s.fieldErrors['headers.1']).toMatch(/letters, digits and dashes/);
    expect(s.draft.baseUrl).toBe('ftp://x');
    expect(s.dirty).toBe(true);
    // A validation problem is shown on the page, not as a toast.
    expect(ui.getState().toasts).toEqual([]);
    // Editing the field clears its message.
    store.getState().setField('baseUrl', 'http://x');
    expect(store.getState().fieldErrors['baseUrl']).toBeUndefined();
  });

  it('maps only BAD_REQUEST problems to fields', () => {
    expect(fieldErrorsOf(new StudioError('INTERNAL', 'boom', { problems: ['llm.model: x'] }))).toEqual({});
    expect(fieldErrorsOf(new StudioError('BAD_REQUEST', 'x', { problems: ['llm.timeoutS: Too big'] }))).toEqual({ timeoutS: 'Too big' });
  });

  it('tracks tool approvals as edits and sends them all', async () => {
    const { client, store } = setup();
    await store.getState().load();
    expect(store.getState().draft.toolApproval).toEqual({ save_artifact: false, write_note: true });
    store.getState().setToolApproval('save_artifact', true);
    expect(store.getState().dirty).toBe(true);
    await store.getState().save();
    expect((client.callsOf('settings.update')[0] as { toolApproval: unknown }).toolApproval).toEqual({ save_artifact: true, write_note: true });
  });

  it('saves pending edits before testing the connection, and shows the result', async () => {
    const { client, store } = setup();
    await store.getState().load();
    store.getState().setField('model', 'stub');
    await store.getState().testConnection();
    expect(client.calls.map((c) => c.op)).toEqual(['settings.get', 'settings.update', 'settings.testLlm']);
    expect(store.getState().check).toEqual({ status: 'done', result: { ok: true, message: 'The server answered in 12 ms.', latencyMs: 12, model: 'stub' }, error: null });
  });

  it('does not test when the save fails', async () => {
    const { client, store } = setup();
    await store.getState().load();
    store.getState().setField('timeoutS', 'x');
    await store.getState().testConnection();
    expect(client.callsOf('settings.testLlm')).toEqual([]);
    expect(store.getState().check).toBeNull();
  });

  it('treats a read-only workspace as a state, not an error', async () => {
    const client = new FakeClient().on('settings.get', () => {
      throw new StudioError('READ_ONLY', 'audit.bundle is an audit bundle opened read-only for audit.');
    });
    const ui = createUiStore();
    const store = createSettingsStore(client, ui);
    await store.getState().load();
    expect(store.getState().status).toBe('read-only');
    expect(store.getState().loadError).toMatch(/read-only/);
    expect(ui.getState().toasts).toEqual([]);
  });

  it('adds, edits, reverts and deletes header rows', async () => {
    const { store } = setup();
    await store.getState().load();
    store.getState().addHeader();
    const added = store.getState().draft.headers[2]!;
    store.getState().updateHeader(added.key, { name: 'X-Key', secret: true, value: 's3' });
    expect(buildUpdate(store.getState().draft).request?.llm?.headers?.[2]).toEqual({ name: 'X-Key', secret: true, value: 's3' });
    store.getState().revert();
    expect(store.getState().draft.headers).toHaveLength(2);
    expect(store.getState().dirty).toBe(false);
    store.getState().deleteHeader(store.getState().draft.headers[1]!.key);
    expect(store.getState().draft.headers.map((h) => h.name)).toEqual(['Authorization']);
  });
});
