/** OpenTelemetry for runs: live tracing of a Runtime's commits, and the spans of a past run. */
export { ATTR, GEN_AI, recordAttributes, genAiAttributes } from './span-attributes';
export { TRACER_NAME, emitRecordSpans, hrTimeOf, type TraceLink } from './record-spans';
export { RunTracing, type RunTracingOptions, type TraceLinkListener } from './run-tracing';
export { emitPastRunSpans } from './past-run-spans';
export { isTraceLinkStore, type TraceLinkStore } from './trace-link-store';
