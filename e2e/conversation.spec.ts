import { chatAnswer, openAiToolCall, startFakeChatServer, type FakeChatServer } from '../src/runtime/integrations/testing/fake-chat-server';
import { expect, shot, startRun, test } from './support/fixtures';
import { api } from './support/studio-api';

/** The LLM calls of these journeys go to a real HTTP chat server on 127.0.0.1; by default it fails (HTTP 500). */
let chat: FakeChatServer;
test.beforeAll(async () => {
  chat = await startFakeChatServer({ status: 500, body: { error: { message: 'the model is overloaded' } } });
});
test.afterAll(async () => {
  await chat?.close();
});
test.beforeEach(async ({ studio }) => {
  chat.reset();
  await api(studio, 'settings.update', { llm: { baseUrl: chat.baseUrl, model: 'fake-model' } });
});

test('a run with no LLM calls says so in the Conversation tab', async ({ app: page }) => {
  await startRun(page, 'hello_world', { paused: false });
  await expect(page.locator('.run-title')).toContainText('completed');
  await page.getByTestId('inspector-tab-conversation').click();
  await expect(page.getByTestId('conversation-empty')).toContainText('This run made no LLM calls');
});

test('a failed call without usage shows its error and no tokens; Retry makes it again and the ledger records who retried', async ({ app: page, studio }) => {
  await startRun(page, 'llm_demo', { paused: false });
  await expect(page.locator('.run-title')).toContainText('failed');
  await page.getByTestId('inspector-tab-conversation').click();
  const view = page.getByTestId('conversation');
  const failed = view.getByTestId('llm-failed');
  await expect(failed).toContainText('500');
  await expect(view.getByTestId('llm-meta').last()).toContainText('— tokens');
  await expect(view.getByTestId('conversation-totals')).toContainText('1 (1 failed)');
  await expect(view.getByTestId('conversation-cost')).toContainText('set prices in Settings');

  chat.enqueue({ body: chatAnswer('Octopuses have three hearts.', { usage: { prompt_tokens: 20, completion_tokens: 8, total_tokens: 28 } }) });
  await failed.getByTestId('retry-llm').click();
  await expect(page.locator('.run-title')).toContainText('completed');
  await expect(view.getByTestId('turn-retry')).toContainText('Retried the failed call');
  await expect(view.locator('[data-kind="llm"]').last()).toContainText('Octopuses have three hearts.');
  await expect(view.getByTestId('conversation-totals')).toContainText('2 (1 failed)');
  await expect(view.getByTestId('conversation-totals')).toContainText('28');
  // The failure stays in the history, and no Retry is offered once the run has moved on.
  await expect(view.getByTestId('llm-failed')).toHaveCount(1);
  await expect(view.getByTestId('retry-llm')).toHaveCount(0);
  const runs = await api(studio, 'runs.query', { workflowId: 'llm_demo' });
  expect(runs.items[0]?.status).toBe('completed');
});

test('a run that changed meanwhile: a retry made in another window takes the Retry button away', async ({ app: page, studio }) => {
  const runId = await startRun(page, 'llm_demo', { paused: false });
  await expect(page.locator('.run-title')).toContainText('failed');
  await page.getByTestId('inspector-tab-conversation').click();
  await expect(page.getByTestId('retry-llm')).toBeVisible();
  const failedSeq = (await api(studio, 'ledger.conversation', { runId })).records.at(-1)!.seq;
  chat.enqueue({ body: chatAnswer('Answered for the other window.') });
  await api(studio, 'runs.retryLlm', { runId, seq: failedSeq });
  await expect(page.locator('.run-title')).toContainText('completed');
  await expect(page.getByTestId('retry-llm')).toHaveCount(0);
  // The same retry again is refused: the run has moved on since that record failed.
  await expect(api(studio, 'runs.retryLlm', { runId, seq: failedSeq })).rejects.toMatchObject({ code: 'RUN_MOVED_ON' });
});

test('a ReAct agent as a conversation: tool calls with arguments and results, an approval inline, tokens, latency and cost', async ({ app: page, studio }) => {
  // Token prices, set in Settings: a negative price is refused next to its field, then fixed.
  await page.getByTestId('open-settings').click();
  const settings = page.getByTestId('settings-page');
  await settings.getByTestId('settings-price-prompt').fill('-1');
  await settings.getByTestId('settings-price-completion').fill('0.6');
  await settings.getByTestId('settings-save').click();
  await expect(settings.getByText('Enter a price per million tokens')).toBeVisible();
  await settings.getByTestId('settings-price-prompt').fill('0.15');
  await settings.getByTestId('settings-save').click();
  await expect(settings.getByTestId('settings-save')).toBeDisabled();
  expect((await api(studio, 'settings.get', {})).pricing).toEqual({ promptPerMillion: 0.15, completionPerMillion: 0.6 });
  await page.getByTestId('view-run').click();
  const usage = (p: number, c: number) => ({ usage: { prompt_tokens: p, completion_tokens: c, total_tokens: p + c } });
  chat.enqueue(
    { body: chatAnswer(null, { toolCalls: [openAiToolCall('call_add', 'add', { a: 17, b: 25 }), openAiToolCall('call_words', 'word_count', { text: 'durable runs survive restarts' })], ...usage(412, 38) }) },
    { body: chatAnswer('17 + 25 = 42 and the sentence has 4 words. Saving the note now.', { toolCalls: [openAiToolCall('call_note', 'write_note', { title: 'Demo', body: '42; 4 words' })], ...usage(498, 41) }) },
    { body: chatAnswer('Done: 17 + 25 is 42, "durable runs survive restarts" has 4 words, and the note "Demo" is saved.', usage(561, 29)) },
  );
  await startRun(page, 'react_agent_demo', {
    paused: false,
    varsJson: '{"context": {"task": "What is 17 + 25? How many words are in \\"durable runs survive restarts\\"? Then save a note titled \\"Demo\\" with both answers."}}',
  });
  await page.getByTestId('inspector-tab-conversation').click();
  const view = page.getByTestId('conversation');
  await expect(view.getByTestId('approval-pending')).toBeVisible();
  await page.getByTestId('prompt-card').getByTestId('prompt-answer').filter({ hasText: 'Approve' }).click();
  await expect(page.locator('.run-title')).toContainText('completed');

  await expect(view.locator('[data-kind="message"]').first()).toContainText('What is 17 + 25?');
  await expect(view.locator('[data-kind="system"]')).toContainText('system');
  const tools = view.locator('[data-kind="tools"]');
  await expect(tools.first()).toContainText('word_count');
  await expect(tools.first().getByLabel('Result of add')).toHaveText('42');
  await expect(tools.last().getByTestId('approval-decided')).toContainText('Approved write_note');
  await expect(view.locator('[data-kind="llm"]').last()).toContainText('the note "Demo" is saved');
  const totals = view.getByTestId('conversation-totals');
  await expect(totals).toContainText('3');
  await expect(totals).toContainText('1,579'); // 450 + 539 + 590 tokens
  // (412 + 498 + 561) × 0.15 / 1M + (38 + 41 + 29) × 0.6 / 1M
  await expect(view.getByTestId('conversation-cost')).toHaveText((1471 * 0.15e-6 + 108 * 0.6e-6).toPrecision(2));
  await expect(view.getByTestId('llm-cost').first()).toBeVisible();
  await view.locator('[data-kind="llm"]').first().scrollIntoViewIfNeeded();
  await shot(page, '20-conversation-view');
});
