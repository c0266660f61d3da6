/**
 * Hostile frames on the event socket: a real `studio serve` process, a raw TCP client that does
 * the WebSocket handshake itself and then sends frames no well-behaved client would. None of
 * them may end the process: after each one the server still answers the contract and still
 * accepts a new event socket.
 */
import { type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { API_PREFIX, EVENTS_PATH, TOKEN_HEADER } from '../../shared/contract/wire';
import { spawnServe, TempDirs, type ServeChild } from '../cli/test-support';

const temps = new TempDirs();
const children: ChildProcessWithoutNullStreams[] = [];
let served: ServeChild;
let base: URL;
let token: string;

beforeAll(async () => {
  const root = temps.make('frames');
  const page = join(root, 'page');
  mkdirSync(page);
  writeFileSync(join(page, 'index.html'), '<!doctype html><title>stub</title>');
  served = spawnServe(children, { STUDIO_USER_DATA: join(root, 'data'), STUDIO_RENDERER_DIR: page }, ['--workspace', join(root, 'w.studio.sqlite')]);
  base = await served.url;
  token = base.searchParams.get('token') ?? '';
}, 60_000);
afterAll(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  temps.cleanup();
});

/** One client frame: FIN set, the given opcode, masked unless told otherwise. */
function frame(opcode: number, payload: Buffer, masked = true): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | len]) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (len >= 126 && len < 65536) {
    head[0] = 0x80 | opcode;
    head[1] = (masked ? 0x80 : 0) | 126;
    head.writeUInt16BE(len, 2);
  } else if (len >= 65536) {
    head[0] = 0x80 | opcode;
    head[1] = (masked ? 0x80 : 0) | 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  if (!masked) return Buffer.concat([head, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] ?? 0)));
  return Buffer.concat([head, mask, body]);
}

/** Does the handshake by hand, sends the bytes, and resolves when the server closes the socket. */
async function sendRaw(bytes: Buffer): Promise<void> {
  const socket: Socket = connect(Number(base.port), '127.0.0.1');
  await new Promise<void>((ok, fail) => {
    socket.once('connect', () => ok());
    socket.once('error', fail);
  });
  socket.on('error', () => undefined); // the server may reset us: that is its right
  const key = randomBytes(16).toString('base64');
  socket.write(
    `GET ${EVENTS_PATH}?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${base.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  await new Promise<void>((ok, fail) => {
    let head = '';
    const onData = (b: Buffer): void => {
      head += b.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (head.startsWith('HTTP/1.1 101')) ok();
      else fail(new Error(`handshake refused: ${head}`));
    };
    socket.on('data', onData);
  });
  socket.write(bytes);
  await new Promise<void>((ok) => {
    socket.once('close', () => ok());
    socket.resume();
  });
}

async function stillServing(): Promise<void> {
  expect(served.child.exitCode).toBeNull();
  const res = await fetch(new URL(`${API_PREFIX}workflows.list`, base), { method: 'POST', headers: { [TOKEN_HEADER]: token, 'Content-Type': 'application/json' }, body: '{}' });
  expect(res.status).toBe(200);
  const ws = new WebSocket(`ws://127.0.0.1:${base.port}${EVENTS_PATH}?token=${token}`);
  await new Promise<void>((ok, fail) => {
    ws.once('open', () => ok());
    ws.once('error', fail);
  });
  ws.close();
}

describe('web host: hostile frames on the event socket', () => {
  const attacks: [string, Buffer][] = [
    ['a 200 KiB text message', frame(0x1, Buffer.alloc(200 * 1024, 0x61))],
    ['a text message that is not UTF-8', frame(0x1, Buffer.from([0xff, 0xfe, 0xc3, 0x28]))],
    ['an unmasked frame', frame(0x1, Buffer.from('hello'), false)],
    ['a frame with the reserved opcode 3', frame(0x3, Buffer.from('x'))],
  ];
  for (const [what, bytes] of attacks) {
    it(`closes the socket on ${what}, and keeps serving`, async () => {
      await sendRaw(bytes);
      await stillServing();
    });
  }
});
