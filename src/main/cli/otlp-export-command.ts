/**
 * `studio export <workspace.sqlite> <run-id> --otlp <url>`: sends a past run to a tracing tool
 * (Jaeger, Grafana Tempo, Honeycomb, an OpenTelemetry Collector) as OTLP/HTTP, the same spans live
 * tracing gives: a run span, a span per finished ledger record, effect spans under them. The
 * workspace is opened read-only. Exit 1 when the receiver does not take the spans.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resolve } from 'node:path';
import { emitPastRunSpans, TRACER_NAME } from '../../runtime/telemetry/index';
import { CliUsageError, EXIT_FAILED, EXIT_OK, type CliIo } from './cli-io';
import { inputKind, openWorkspaceReadonly } from './open-input';

export interface OtlpExportOptions {
  path: string;
  runId: string;
  /** The collector's traces endpoint, e.g. http://127.0.0.1:4318/v1/traces. */
  url: string;
}

/** Spans per request: a long run goes in several bodies a collector accepts (4 MiB by default). */
const SPANS_PER_REQUEST = 1000;

export async function otlpExportCommand(io: CliIo, options: OtlpExportOptions): Promise<number> {
  const url = checkedUrl(options.url);
  const path = resolve(options.path);
  if (inputKind(path) !== 'sqlite') throw new CliUsageError(`${path} is a folder: export --otlp reads a SQLite workspace.`);
  const spans = await spansOfRun(path, options.runId);
  const exporter = new OTLPTraceExporter({ url });
  try {
    for (let i = 0; i < spans.length; i += SPANS_PER_REQUEST) {
      const result = await exportOnce(exporter, spans.slice(i, i + SPANS_PER_REQUEST));
      if (result.code !== ExportResultCode.SUCCESS) {
        io.err(`${url} did not take the spans of run ${options.runId}: ${result.error?.message ?? 'export failed'}. Check the URL (an OTLP/HTTP traces endpoint, usually ending in /v1/traces) and that the collector runs.\n`);
        return EXIT_FAILED;
      }
    }
  } finally {
    await exporter.shutdown();
  }
  const traceId = spans[0]?.spanContext().traceId ?? '';
  io.out(`Sent run ${options.runId} (${spans.length} spans) to ${url} as trace ${traceId}\n`);
  return EXIT_OK;
}

function checkedUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliUsageError(`--otlp needs a URL such as http://127.0.0.1:4318/v1/traces (got ${JSON.stringify(text)}).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliUsageError(`--otlp sends OTLP over HTTP: use an http:// or https:// URL (got ${url.protocol}).`);
  return url.href;
}

/** The run's spans, built in memory from its stored state and ledger. */
async function spansOfRun(path: string, runId: string): Promise<ReadableSpan[]> {
  const ws = openWorkspaceReadonly(path);
  try {
    const run = await ws.runs.load(runId);
    if (!run) throw new CliUsageError(`There is no run ${runId} in ${ws.path}. List the runs with: studio runs ${ws.path}`);
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'abstractruntime' }),
      spanProcessors: [new SimpleSpanProcessor(memory)],
    });
    emitPastRunSpans(provider.getTracer(TRACER_NAME), run, await ws.ledger.list(runId));
    await provider.forceFlush();
    return memory.getFinishedSpans();
  } finally {
    ws.close();
  }
}

const exportOnce = (exporter: OTLPTraceExporter, spans: ReadableSpan[]): Promise<ExportResult> =>
  new Promise((done) => exporter.export(spans, done));
