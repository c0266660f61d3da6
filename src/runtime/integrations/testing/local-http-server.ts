/** A real HTTP server on 127.0.0.1 for the integration tests (not exported by the library). */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type JsonValue } from '../../json/json-value';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Header names as sent, in order (rawHeaders pairs). */
  headerOrder: string[];
  body: string;
  json: JsonValue | undefined;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  /** Wait this long before answering (a slow server). */
  delayMs?: number;
  /** Server-sent events: each entry is sent as `data: <entry>\n\n`, with `delayMs` between them. */
  events?: string[];
}

export type Responder = (req: RecordedRequest) => Reply | Promise<Reply>;

export class LocalHttpServer {
  readonly requests: RecordedRequest[] = [];
  /** Requests whose connection the client closed before the answer. */
  aborted = 0;
  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
  ) {}

  static async start(responder: Responder): Promise<LocalHttpServer> {
    let self: LocalHttpServer | null = null;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: JsonValue | undefined;
        try {
          json = body ? (JSON.parse(body) as JsonValue) : undefined;
        } catch {
          json = undefined;
        }
        const headerOrder = req.rawHeaders.filter((_, i) => i % 2 === 0);
        const rec: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, headerOrder, body, json };
        self!.requests.push(rec);
        res.on('close', () => {
          if (!res.writableFinished) self!.aborted++;
        });
        void Promise.resolve(responder(rec)).then((reply) => send(res, reply));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new LocalHttpServer(server, `http://127.0.0.1:${port}`);
    return self;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function send(res: ServerResponse, reply: Reply): Promise<void> {
  if (reply.delayMs && !reply.events) await sleep(reply.delayMs);
  if (res.destroyed) return;
  if (reply.events) {
    res.writeHead(reply.status ?? 200, { 'content-type': 'text/event-stream', ...(reply.headers ?? {}) });
    for (const e of reply.events) {
      if (res.destroyed) return;
      res.write(`data: ${e}\n\n`);
      if (reply.delayMs) await sleep(reply.delayMs);
    }
    res.end();
    return;
  }
  const isText = typeof reply.body === 'string';
  const text = reply.body === undefined ? '' : isText ? (reply.body as string) : JSON.stringify(reply.body);
  res.writeHead(reply.status ?? 200, { 'content-type': isText ? 'text/plain' : 'application/json', ...(reply.headers ?? {}) });
  res.end(text);
}
