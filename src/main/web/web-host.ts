import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { API_PREFIX, DOWNLOAD_PREFIX, EVENTS_PATH, TOKEN_HEADER, type WireResult } from '../../shared/contract/wire';
import { serveDownload } from './serve-download';
import { type StudioService } from '../service/studio-service';

export interface WebHostOptions {
  service: StudioService;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 or absent: any free port. */
  port?: number;
  /** A fixed token (tests); by default a fresh random one per launch. */
  token?: string;
}

export interface WebHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY = 2 * 1024 * 1024;
const MAX_CLIENT_FRAME = 4 * 1024;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * Serves the renderer and the contract on 127.0.0.1 only. Every API request and the event socket
 * need the per-launch token, and the Host header must name this server (so another site cannot
 * reach it through DNS rebinding); static files need no token (they hold no data).
 */
export async function startWebHost(o: WebHostOptions): Promise<WebHost> {
  const token = o.token ?? randomBytes(24).toString('base64url');
  const rendererDir = resolve(o.rendererDir);
  let port = 0;
  const validHost = (h: string | undefined): boolean => h === `127.0.0.1:${port}` || h === `localhost:${port}`;
  const tokenOk = (given: string | null | undefined): boolean => {
    if (!given) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => send(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'The server failed to answer.' } }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!validHost(req.headers.host)) return send(res, 421, { ok: false, error: { code: 'UNAUTHORIZED', message: 'Wrong Host header.' } });
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname.startsWith(API_PREFIX)) {
      if (req.method !== 'POST') return send(res, 405, { ok: false, error: { code: 'BAD_REQUEST', message: 'Use POST for API calls.' } });
      if (!tokenOk(header(req, TOKEN_HEADER))) {
        return send(res, 401, { ok: false, error: { code: 'UNAUTHORIZED', message: 'Missing or wrong token: open the URL that `npm run serve` printed.' } });
      }
      const body = await readBody(req);
      if (body === null) return send(res, 413, { ok: false, error: { code: 'BAD_REQUEST', message: `Request body over ${MAX_BODY} bytes.` } });
      let request: unknown;
      try {
        request = body.length === 0 ? {} : (JSON.parse(body) as unknown);
      } catch {
        return send(res, 400, { ok: false, error: { code: 'BAD_REQUEST', message: 'The request body is not JSON.' } });
      }
      const op = decodePath(url.pathname.slice(API_PREFIX.length));
      if (op === null) return send(res, 400, BAD_ENCODING);
      const result = await o.service.invoke(op, request);
      return send(res, result.ok ? 200 : statusOf(result), result);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { ok: false, error: { code: 'BAD_REQUEST', message: 'Method not allowed.' } });
    if (url.pathname.startsWith(DOWNLOAD_PREFIX)) {
      // Only GET takes the file: a HEAD (a link preview, a prefetch) must not use up the one fetch.
      if (req.method !== 'GET') return send(res, 405, { ok: false, error: { code: 'BAD_REQUEST', message: 'Use GET for a download.' } });
      // A link the browser follows cannot carry the header: the token comes in the query, as for the event socket.
      if (!tokenOk(url.searchParams.get('token'))) return send(res, 401, { ok: false, error: { code: 'UNAUTHORIZED', message: 'Missing or wrong token.' } });
      return serveDownload(o.service, url.pathname.slice(DOWNLOAD_PREFIX.length), res);
    }
    return serveStatic(url.pathname, res);
  }

  async function serveStatic(pathname: string, res: ServerResponse): Promise<void> {
    const decoded = decodePath(pathname);
    if (decoded === null) return send(res, 400, BAD_ENCODING);
    const rel = normalize(decoded).replace(/^([/\\])+/, '');
    let file = resolve(join(rendererDir, rel || 'index.html'));
    if (file !== rendererDir && !file.startsWith(rendererDir + sep)) return send(res, 404, NOT_FOUND);
    let folder = false;
    try {
      folder = (await stat(file)).isDirectory();
      if (folder) file = join(file, 'index.html');
    } catch {
      file = join(rendererDir, 'index.html'); // client-side routes fall back to the app
    }
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch {
      // A folder of the build (say /assets/) has no page of its own: that is not "not built".
      if (folder && file !== join(rendererDir, 'index.html')) return send(res, 404, NOT_FOUND);
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('The Studio is not built yet: run `npm run build` (or `npm run serve`, which builds first).');
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': csp(port),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache',
    });
    res.end(data);
  }

  // The socket is one-way (events out only), so a client has nothing big to say.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME });
  const sockets = new Set<WebSocket>();
  // ws reports a bad frame (too big, not UTF-8, unmasked, reserved opcode) as an 'error' event
  // and closes the socket itself; with no listener, Node would end the whole process instead.
  wss.on('error', () => undefined);
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const origin = req.headers.origin;
    const originOk = !origin || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
    if (url.pathname !== EVENTS_PATH || !validHost(req.headers.host) || !originOk || !tokenOk(url.searchParams.get('token'))) {
      socket.write('HTTP/1.1 401 Unauthorized\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('error', () => ws.terminate());
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', () => undefined); // the socket is one-way: events out only
    });
  });
  const unsubscribe = o.service.onEvent((e) => {
    const text = JSON.stringify(e);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const NOT_FOUND = { ok: false, error: { code: 'NOT_FOUND', message: 'Not found.' } } as const;
const BAD_ENCODING = { ok: false, error: { code: 'BAD_REQUEST', message: 'The URL has bad percent-encoding.' } } as const;

/** decodeURIComponent, or null for a malformed escape (which it reports by throwing). */
function decodePath(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function statusOf(result: WireResult<unknown>): number {
  if (result.ok) return 200;
  switch (result.error.code) {
    case 'BAD_REQUEST':
    case 'UNKNOWN_OPERATION':
    case 'INVALID_ARGUMENT':
    case 'NOT_JSON_SERIALIZABLE':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'PATH_NOT_ALLOWED':
    case 'READ_ONLY':
      return 403;
    case 'NOT_FOUND':
    case 'UNKNOWN_RUN':
    case 'UNKNOWN_NODE':
    case 'UNKNOWN_WORKFLOW':
      return 404;
    case 'INTERNAL':
      return 500;
    default:
      return 409;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** Scripts and styles from this origin only; events over this server's WebSocket; images from blobs. */
export function csp(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}
