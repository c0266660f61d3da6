import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startFakeChatServer, type FakeChatServer } from './fake-chat-server';

/**
 * One fake chat server for a whole test file: started before its tests, reset before each one,
 * closed after them. Returns a handle that stands for the server once it runs.
 */
export function useFakeChatServer(): FakeChatServer {
  let chat: FakeChatServer | null = null;
  const running = (): FakeChatServer => {
    if (!chat) throw new Error('the fake chat server is not running (use it inside a test)');
    return chat;
  };
  beforeAll(async () => {
    chat = await startFakeChatServer();
  });
  afterAll(async () => {
    await chat?.close();
  });
  beforeEach(() => running().reset());
  return {
    get server() {
      return running().server;
    },
    get baseUrl() {
      return running().baseUrl;
    },
    get requests() {
      return running().requests;
    },
    enqueue: (...replies) => running().enqueue(...replies),
    reset: () => running().reset(),
    close: () => running().close(),
  };
}
