import { describe, expect, it, vi } from 'vitest';
import { type JsonObject } from '../../json/json-value';
import { LlmRequestError } from '../errors';
import { chatAnswer, openAiToolCall } from '../testing/fake-chat-server';
import { useFakeChatServer } from '../testing/use-fake-chat-server';
import { LocalHttpServer } from '../testing/local-http-server';
import { RemoteLlmClient } from './openai-compatible-client';

const chat = useFakeChatServer();

const client = (extra: Partial<ConstructorParameters<typeof RemoteLlmClient>[0]> = {}): RemoteLlmClient =>
  new RemoteLlmClient({ serverBaseUrl: `${chat.baseUrl}/`, model: 'test-model', ...extra });

async function failure(p: Promise<unknown>): Promise<LlmRequestError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(LlmRequestError);
  return e as LlmRequestError;
}

describe('RemoteLlmClient request', () => {
  it('builds the chat-completions request and forwards base_url (test_remote_llm_client)', async () => {
    chat.enqueue({ body: chatAnswer('ok') });
    const result = await client({ headers: { 'X-Test': 'yes' } }).generate({
      prompt: 'hello',
      systemPrompt: 'You are terse.',
      params: { base_url: 'http://provider.local:1234', temperature: 0, max_tokens: 5, top_k: 3, stream: true, seed: null },
    });
    expect(result['content']).toBe('ok');
    const req = chat.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/chat/completions'); // the trailing slash of the base URL is dropped
    expect(req.headers['x-test']).toBe('yes');
    expect(req.headers['content-type']).toBe('application/json');
    // Key order as the reference writes it; top_k, the caller's stream and a null seed are dropped.
    expect(req.body).toBe(
      '{"model":"test-model","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"hello"}],' +
        '"stream":false,"base_url":"http://provider.local:1234","temperature":0,"max_tokens":5}',
    );
  });

  it('reproduces the request the Python reference sent in the fixture', async () => {
    chat.enqueue({ body: chatAnswer('x') });
    await new RemoteLlmClient({ serverBaseUrl: chat.baseUrl, model: 'stub/model', headers: { 'X-Fixture': '1' } }).generate({
      prompt: 'add 2 and 3 — café ☕',
      systemPrompt: 'You are a planner.',
      params: {
        temperature: 0.2,
        max_tokens: 64,
        trace_metadata: { run_id: '00000000-0000-4000-8000-000000000001', actor_id: 'ar_7f705e54bbf08defdf1d5d43', session_id: 'sess-fixture-001' },
      },
    });
    const req = chat.requests[0]!;
    // http_requests_captured of the fixture manifest.
    expect(req.headers['x-fixture']).toBe('1');
    expect(req.headers['x-abstractcore-trace-metadata']).toBe(
      '{"run_id":"00000000-0000-4000-8000-000000000001","actor_id":"ar_7f705e54bbf08defdf1d5d43","session_id":"sess-fixture-001"}',
    );
    expect(req.headers['x-abstractcore-actor-id']).toBe('ar_7f705e54bbf08defdf1d5d43');
    expect(req.headers['x-abstractcore-session-id']).toBe('sess-fixture-001');
    expect(req.headers['x-abstractcore-run-id']).toBe('00000000-0000-4000-8000-000000000001');
    expect(req.headers['x-abstractcore-parent-run-id']).toBeUndefined();
    expect(JSON.stringify(req.json)).toBe(
      JSON.stringify({
        model: 'stub/model',
        messages: [
          { role: 'system', content: 'You are a planner.' },
          { role: 'user', content: 'add 2 and 3 — café ☕' },
        ],
        stream: false,
        temperature: 0.2,
        max_tokens: 64,
      }),
    );
  });

  it('sends messages instead of the prompt, and keeps an id header the host already set', async () => {
    chat.enqueue({ body: chatAnswer('ok') });
    await client({ headers: { 'x-abstractcore-run-id': 'host-run' } }).generate({
      prompt: 'ignored',
      messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }, { role: 'user', content: 'again' }],
      params: { trace_metadata: { run_id: 'r1', parent_run_id: 'p1' } },
    });
    const req = chat.requests[0]!;
    expect((req.json as { messages: unknown[] }).messages).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
      { role: 'user', content: 'again' },
    ]);
    expect(req.headers['x-abstractcore-run-id']).toBe('host-run');
    expect(req.headers['x-abstractcore-parent-run-id']).toBe('p1');
    expect(req.headers['x-abstractcore-actor-id']).toBeUndefined();
  });

  it('keeps trace headers ASCII: non-ASCII metadata is JSON-escaped, ids percent-encoded', async () => {
    chat.enqueue({ body: chatAnswer('ok') });
    const meta = { run_id: 'r1', session_id: 'café ☕', note: 'naïve' };
    await client().generate({ prompt: 'x', params: { trace_metadata: meta } });
    const req = chat.requests[0]!;
    const header = req.headers['x-abstractcore-trace-metadata'] as string;
    expect(header).toBe('{"run_id":"r1","session_id":"caf\\u00e9 \\u2615","note":"na\\u00efve"}');
    expect(JSON.parse(header)).toEqual(meta);
    expect(req.headers['x-abstractcore-session-id']).toBe('caf%C3%A9 %E2%98%95');
    expect(decodeURIComponent(req.headers['x-abstractcore-session-id'] as string)).toBe('café ☕');
  });

  it('sends tools in OpenAI form by default, and as given on request', async () => {
    const tools: JsonObject[] = [
      { name: 'add', description: 'Add two numbers', parameters: { type: 'object', properties: { a: { type: 'number' } } } },
      { type: 'function', function: { name: 'echo', parameters: { type: 'object', properties: {} } } },
    ];
    chat.enqueue({ body: chatAnswer('a') }, { body: chatAnswer('b') });
    await client().generate({ prompt: 'x', tools });
    await client({ toolFormat: 'as-given' }).generate({ prompt: 'x', tools });
    expect((chat.requests[0]!.json as { tools: unknown }).tools).toEqual([
      { type: 'function', function: { name: 'add', description: 'Add two numbers', parameters: { type: 'object', properties: { a: { type: 'number' } } } } },
      tools[1],
    ]);
    expect((chat.requests[1]!.json as { tools: unknown }).tools).toEqual(tools);
  });
});

describe('RemoteLlmClient response', () => {
  it('normalises to the 8 keys in order, with the trace id from the response header', async () => {
    // The stub answer of the Python fixture run …0001, and the result the reference stored for it.
    chat.enqueue({
      headers: { 'X-AbstractCore-Trace-Id': 'tr_fixture_1' },
      body: {
        model: 'stub/model',
        choices: [{ message: { content: 'echo: add 2 and 3 — café ☕', tool_calls: [{ name: 'add', arguments: { x: 2, y: 3 }, call_id: 'c1' }] }, finish_reason: 'tool_calls' }],
        usage: { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 },
      },
    });
    const result = await client().generate({ prompt: 'add 2 and 3 — café ☕' });
    expect(JSON.stringify(result)).toBe(
      JSON.stringify({
        content: 'echo: add 2 and 3 — café ☕',
        data: null,
        tool_calls: [{ name: 'add', arguments: { x: 2, y: 3 }, call_id: 'c1' }],
        usage: { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 },
        model: 'stub/model',
        finish_reason: 'tool_calls',
        metadata: { trace_id: 'tr_fixture_1' },
        trace_id: 'tr_fixture_1',
      }),
    );
  });

  it('falls back to x-trace-id, and to null metadata without a trace header', async () => {
    chat.enqueue({ headers: { 'x-trace-id': 'tr_2' }, body: chatAnswer('a') }, { body: chatAnswer('b') });
    const a = await client().generate({ prompt: 'x' });
    const b = await client().generate({ prompt: 'x' });
    expect([a['trace_id'], a['metadata']]).toEqual(['tr_2', { trace_id: 'tr_2' }]);
    expect([b['trace_id'], b['metadata']]).toEqual([null, null]);
  });

  it('keeps an answer of another shape whole in data, with content null', async () => {
    chat.enqueue({ body: { error: { message: 'model is loading' } } });
    const result = await client().generate({ prompt: 'x' });
    expect(result).toEqual({ content: null, data: { error: { message: 'model is loading' } }, tool_calls: null, usage: null, model: null, finish_reason: null, metadata: null, trace_id: null });
  });

  it('keeps number lexemes of the answer, as Python would store them', async () => {
    chat.enqueue({ body: '{"model":"m","choices":[{"message":{"content":"x"},"finish_reason":"stop"}],"usage":{"cost":1.0,"total_tokens":3}}' });
    const result = await client().generate({ prompt: 'x' });
    expect(String((result['usage'] as Record<string, unknown>)['cost'])).toBe('1.0');
  });
});

describe('RemoteLlmClient failures', () => {
  it('HTTP 500: LLM_HTTP_ERROR with the status and an excerpt of the body', async () => {
    chat.enqueue({ status: 500, body: 'upstream exploded: CUDA out of memory' });
    const e = await failure(client().generate({ prompt: 'x' }));
    expect(e.code).toBe('LLM_HTTP_ERROR');
    expect(e.status).toBe(500);
    expect(e.message).toContain('HTTP 500');
    expect(e.message).toContain('CUDA out of memory');
    expect(e.message).toContain('/v1/chat/completions');
  });

  it('HTTP 429: the Retry-After header is kept in the details', async () => {
    chat.enqueue({ status: 429, headers: { 'retry-after': '7' }, body: { error: 'rate limited' } });
    const e = await failure(client().generate({ prompt: 'x' }));
    expect([e.code, e.status, e.details['retry_after']]).toEqual(['LLM_HTTP_ERROR', 429, '7']);
    expect(e.message).toContain('rate limited');
  });

  it('a body that is not JSON: LLM_MALFORMED_RESPONSE', async () => {
    chat.enqueue({ body: '<html>Bad gateway</html>' });
    const e = await failure(client().generate({ prompt: 'x' }));
    expect(e.code).toBe('LLM_MALFORMED_RESPONSE');
    expect(e.message).toContain('<html>Bad gateway</html>');
  });

  it('a slow server: LLM_TIMEOUT after timeoutS, and the request is dropped', async () => {
    chat.enqueue({ delayMs: 3000, body: chatAnswer('late') });
    const started = Date.now();
    const e = await failure(client({ timeoutS: 0.2 }).generate({ prompt: 'x' }));
    expect(e.code).toBe('LLM_TIMEOUT');
    expect(e.message).toContain('within 0.2 s');
    expect(Date.now() - started).toBeLessThan(2000);
    await vi.waitFor(() => expect(chat.server.aborted).toBeGreaterThan(0));
  });

  it('the caller cancels: LLM_ABORTED with the reason', async () => {
    chat.enqueue({ delayMs: 3000, body: chatAnswer('late') });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('run cancelled')), 100);
    const e = await failure(client().generate({ prompt: 'x', signal: controller.signal }));
    expect(e.code).toBe('LLM_ABORTED');
    expect(e.message).toContain('run cancelled');
  });

  it('no server: LLM_NETWORK_ERROR naming the cause', async () => {
    const gone = await LocalHttpServer.start(() => ({}));
    await gone.close();
    const e = await failure(new RemoteLlmClient({ serverBaseUrl: gone.baseUrl, model: 'm' }).generate({ prompt: 'x' }));
    expect(e.code).toBe('LLM_NETWORK_ERROR');
    expect(e.message).toContain('ECONNREFUSED');
  });

  it('refuses a bad configuration up front', () => {
    expect(() => new RemoteLlmClient({ serverBaseUrl: '', model: 'm' })).toThrow(/serverBaseUrl/);
    expect(() => new RemoteLlmClient({ serverBaseUrl: 'http://x', model: '' })).toThrow(/model/);
    expect(() => new RemoteLlmClient({ serverBaseUrl: 'http://x', model: 'm', timeoutS: 0 })).toThrow(/timeoutS/);
  });
});

describe('RemoteLlmClient streaming', () => {
  it('assembles server-sent chunks into the same result, reporting deltas as they come', async () => {
    const chunk = (delta: object, finish: string | null = null, extra: object = {}): string =>
      JSON.stringify({ model: 'test-model', choices: [{ index: 0, delta, finish_reason: finish }], ...extra });
    chat.enqueue({
      headers: { 'x-abstractcore-trace-id': 'tr_s' },
      events: [
        chunk({ role: 'assistant', content: 'Let me ' }),
        chunk({ content: 'add.' }),
        chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'add', arguments: '' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":2,' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '"b":3}' } }] }),
        chunk({}, 'tool_calls', { usage: { prompt_tokens: 4, completion_tokens: 6, total_tokens: 10 } }),
        '[DONE]',
      ],
    });
    const deltas: string[] = [];
    const result = await client().generateStream({ prompt: 'x' }, (d) => deltas.push(d.content ?? d.toolCall?.arguments ?? ''));
    expect((chat.requests[0]!.json as { stream: boolean }).stream).toBe(true);
    expect(deltas).toEqual(['Let me ', 'add.', '', '{"a":2,', '"b":3}']);
    expect(result).toEqual({
      content: 'Let me add.',
      data: null,
      tool_calls: [openAiToolCall('call_1', 'add', { a: 2, b: 3 })],
      usage: { prompt_tokens: 4, completion_tokens: 6, total_tokens: 10 },
      model: 'test-model',
      finish_reason: 'tool_calls',
      metadata: { trace_id: 'tr_s' },
      trace_id: 'tr_s',
    });
  });

  it('accepts a server that ignores stream and answers JSON; rejects a broken chunk', async () => {
    chat.enqueue({ body: chatAnswer('plain') }, { events: ['{"choices":[{"delta":{"content":"a"}}]}', '{not json'] });
    expect((await client().generateStream({ prompt: 'x' }))['content']).toBe('plain');
    const e = await failure(client().generateStream({ prompt: 'x' }));
    expect(e.code).toBe('LLM_MALFORMED_RESPONSE');
  });

  it('times out a stream that stalls', async () => {
    chat.enqueue({ delayMs: 2000, events: ['{"choices":[{"delta":{"content":"a"}}]}', '[DONE]'] });
    const e = await failure(client({ timeoutS: 0.3 }).generateStream({ prompt: 'x' }));
    expect(e.code).toBe('LLM_TIMEOUT');
  });
});
