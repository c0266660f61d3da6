import { describe, expect, it } from 'vitest';
import { type PendingPrompt } from '../../../shared/contract';
import { FakeClient, flush } from '../test-support/fake-client';
import { prompt, runSummary } from '../test-support/fixtures';
import { createPromptsStore } from './prompts-store';
import { createUiStore } from './ui-store';

/**
 * A backend whose `prompts.list` answers wait until the test releases them: the list is read on
 * the server before the events of what happened next, and can land after them.
 */
function heldInbox() {
  const held: Array<(items: PendingPrompt[]) => void> = [];
  const client = new FakeClient().on('prompts.list', () => new Promise<PendingPrompt[]>((resolve) => held.push(resolve)));
  const store = createPromptsStore(client, createUiStore());
  return { store, held };
}

describe('prompts store: events during a load', () => {
  it('does not bring back a prompt answered elsewhere while the inbox was loading', async () => {
    const { store, held } = heldInbox();
    const loading = store.getState().load();
    store.getState().applyAnswered('r1', 'user:r1:ask');
    held[0]!([prompt('r1')]);
    await loading;
    expect(store.getState().items).toEqual([]);
  });

  it('keeps a prompt raised while the inbox was loading', async () => {
    const { store, held } = heldInbox();
    const loading = store.getState().load();
    store.getState().applyPending(prompt('r2'));
    held[0]!([]);
    await loading;
    expect(store.getState().items.map((p) => p.runId)).toEqual(['r2']);
  });

  it('drops the card of a run that stopped waiting while the inbox was loading', async () => {
    const { store, held } = heldInbox();
    const loading = store.getState().load();
    store.getState().applyRunChanged(runSummary('r1', { status: 'completed', updatedAt: '2026-01-01T00:00:09Z' }));
    held[0]!([prompt('r1')]);
    await loading;
    expect(store.getState().items).toEqual([]);
  });

  it('keeps the newer list when two loads answer in reverse order', async () => {
    const { store, held } = heldInbox();
    const older = store.getState().load();
    const newer = store.getState().load();
    held[1]!([]);
    await newer;
    held[0]!([prompt('r1')]);
    await older;
    await flush();
    expect(store.getState().items).toEqual([]);
    expect(store.getState().status).toBe('ready');
  });

  it('asks the same wait again after it was answered during a load', async () => {
    const { store, held } = heldInbox();
    const loading = store.getState().load();
    store.getState().applyAnswered('r1', 'user:r1:ask');
    store.getState().applyPending(prompt('r1', { since: '2026-01-01T00:00:05Z', prompt: 'And now?' }));
    held[0]!([prompt('r1')]);
    await loading;
    expect(store.getState().items.map((p) => p.prompt)).toEqual(['And now?']);
  });
});
