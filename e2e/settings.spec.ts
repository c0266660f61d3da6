import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { expect, shot, startRun, test } from './support/fixtures';

const SECRET = 'Bearer sk-e2e-never-shown-42';

/** A tiny OpenAI-compatible chat server on 127.0.0.1 that always answers "ok". */
async function startStubChat(): Promise<{ url: string; requests: IncomingHttpHeaders[]; close(): Promise<void> }> {
  const requests: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404).end();
        return;
      }
      requests.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], model: 'stub', usage: { total_tokens: 3 } }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

test('configure the LLM server with a secret header, test it, set a tool approval, and run the LLM demo', async ({ app: page }) => {
  const stub = await startStubChat();
  try {
    await page.getByTestId('open-settings').click();
    const settings = page.getByTestId('settings-page');
    await expect(settings.getByTestId('tools-table')).toBeVisible();
    await expect(settings.getByTestId('secret-storage')).toContainText('memory only for this session');

    // A bad URL is refused by the backend, with the reason next to the field.
    await settings.getByLabel('Server URL').fill('ftp://nowhere');
    await settings.getByLabel('Model').fill('stub-model');
    await settings.getByTestId('settings-save').click();
    await expect(settings.getByTestId('settings-save-error')).toContainText('Not saved');
    await expect(settings.getByText(/with http:\/\/ or https:\/\//)).toBeVisible();

    await settings.getByLabel('Server URL').fill(stub.url);
    await settings.getByTestId('settings-add-header').click();
    await settings.getByLabel('Name of header 1').fill('Authorization');
    await settings.getByRole('switch', { name: 'Authorization is secret' }).check();
    await settings.getByLabel('Value of Authorization').fill(SECRET);
    await settings.getByTestId('settings-save').click();
    await expect(settings.getByTestId('settings-save-error')).toHaveCount(0);
    await expect(settings.getByTestId('secret-stored')).toHaveText('•••• stored');

    await settings.getByTestId('settings-test').click();
    const check = settings.getByTestId('llm-check');
    await expect(check).toContainText('Connected');
    await expect(check).toContainText('stub');
    await expect(check).toContainText(/\d+ ms/);
    expect(stub.requests.at(-1)?.['authorization']).toBe(SECRET);

    // Toggle approval for the first tool.
    const row = settings.getByTestId('tool-row').first();
    const tool = (await row.getAttribute('data-tool'))!;
    const toggle = row.getByRole('switch', { name: `${tool} needs approval` });
    const before = await toggle.isChecked();
    await toggle.click();
    await settings.getByTestId('settings-save').click();
    await expect(settings.getByTestId('settings-save')).toBeDisabled();
    await shot(page, '16-settings');

    // After a reload: the secret is stored but never shown, the approval persisted.
    await page.reload();
    await expect(page.getByTestId('settings-page')).toBeVisible();
    await expect(settings.getByTestId('secret-stored')).toHaveText('•••• stored');
    await expect(settings.getByLabel('Server URL')).toHaveValue(stub.url);
    await expect(settings.getByLabel('Model')).toHaveValue('stub-model');
    await expect(settings.getByRole('switch', { name: `${tool} needs approval` })).toBeChecked({ checked: !before });
    expect(await page.content()).not.toContain('sk-e2e-never-shown-42');
    for (const input of await settings.locator('input').all()) expect(await input.inputValue()).not.toContain('sk-e2e');

    // The LLM demo runs against the stub and completes with its answer.
    await page.getByTestId('view-run').click();
    await startRun(page, 'llm_demo', { paused: false });
    await expect(page.locator('.run-title')).toContainText('completed');
    await page.getByTestId('ledger-row').filter({ hasText: 'llm_call' }).filter({ hasText: 'completed' }).first().click();
    const record = page.locator('.record-panel');
    await expect(record).toContainText('llm_call');
    await expect(record).toContainText('"ok"');
    await expect(record).toContainText('stub');
    // The call at a glance: what was asked, what came back, the tokens and the latency.
    const call = page.getByTestId('llm-call');
    await expect(call).toContainText('prompt');
    await expect(call).toContainText('ok');
    await expect(call).toContainText('tokens');
    await expect(call).toContainText('3');
    await expect(call).toContainText('latency');
    await shot(page, '17-llm-call');
  } finally {
    await stub.close();
  }
});
