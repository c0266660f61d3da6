/** An OTLP/HTTP (JSON) trace receiver for the tests: a real server on 127.0.0.1 (not exported). */
import { LocalHttpServer } from '../../integrations/testing/local-http-server';

export type AttrValue = string | number | boolean | AttrValue[] | null;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  scope: string;
  startNanos: bigint;
  endNanos: bigint;
  attributes: Record<string, AttrValue>;
  statusCode: number;
}

interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpAnyValue[] };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: Array<{ key: string; value: OtlpAnyValue }>;
  status?: { code?: number };
}
interface OtlpTraces {
  resourceSpans?: Array<{ scopeSpans?: Array<{ scope?: { name?: string }; spans?: OtlpSpan[] }> }>;
}

const valueOf = (v: OtlpAnyValue): AttrValue => {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(valueOf);
  return null;
};

export class OtlpReceiver {
  private constructor(private readonly server: LocalHttpServer) {}

  static async start(): Promise<OtlpReceiver> {
    return new OtlpReceiver(await LocalHttpServer.start((req) => (req.path === '/v1/traces' ? { status: 200, body: {} } : { status: 404, body: {} })));
  }

  /** Where an exporter sends: `http://127.0.0.1:<port>/v1/traces`. */
  get url(): string {
    return `${this.server.baseUrl}/v1/traces`;
  }

  spans(): ReceivedSpan[] {
    const out: ReceivedSpan[] = [];
    for (const req of this.server.requests.filter((r) => r.path === '/v1/traces')) {
      const body = JSON.parse(req.body) as OtlpTraces;
      for (const rs of body.resourceSpans ?? []) {
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            out.push({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ? s.parentSpanId : null,
              name: s.name,
              scope: ss.scope?.name ?? '',
              startNanos: BigInt(s.startTimeUnixNano),
              endNanos: BigInt(s.endTimeUnixNano),
              attributes: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, valueOf(a.value)])),
              statusCode: s.status?.code ?? 0,
            });
          }
        }
      }
    }
    return out;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
