import type * as Otel from '@opentelemetry/api';

export type OtelApi = typeof Otel;

/** Propagation headers of the trace that enqueued a job (`trace_context` column), e.g. `{ traceparent }`. */
export type TraceCarrier = Record<string, string>;

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The headers of `ctx` as the app's propagator writes them (the OpenTelemetry SDK registers W3C
 * trace context by default). When the app registered no propagator, a W3C `traceparent` is written
 * here, so that the link from enqueue to execution never depends on that setting. Null: no trace.
 */
export function injectTraceContext(api: OtelApi, ctx: Otel.Context): TraceCarrier | null {
  const carrier: TraceCarrier = {};
  api.propagation.inject(ctx, carrier);
  if (Object.keys(carrier).length > 0) return carrier;
  const span = api.trace.getSpanContext(ctx);
  if (!span || !api.isSpanContextValid(span)) return null;
  return { traceparent: `00-${span.traceId}-${span.spanId}-${(span.traceFlags & 0xff).toString(16).padStart(2, '0')}` };
}

/** The context of the enqueuing span read back from a job's headers (the root context when there is none). */
export function extractTraceContext(api: OtelApi, carrier: TraceCarrier | null): Otel.Context {
  if (!carrier || typeof carrier !== 'object') return api.ROOT_CONTEXT;
  const ctx = api.propagation.extract(api.ROOT_CONTEXT, carrier);
  if (api.trace.getSpanContext(ctx)) return ctx;
  const match = TRACEPARENT.exec(String(carrier.traceparent ?? ''));
  if (!match) return ctx;
  const span: Otel.SpanContext = { traceId: match[1]!, spanId: match[2]!, traceFlags: parseInt(match[3]!, 16), isRemote: true };
  return api.isSpanContextValid(span) ? api.trace.setSpanContext(api.ROOT_CONTEXT, span) : ctx;
}
