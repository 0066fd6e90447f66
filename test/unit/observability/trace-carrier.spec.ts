import { afterEach, describe, expect, it } from '@jest/globals';
import * as api from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { extractTraceContext, injectTraceContext } from '../../../lib/observability/trace-carrier.js';

const span: api.SpanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
const withSpan = api.trace.setSpanContext(api.ROOT_CONTEXT, span);

describe('trace context of a job (trace_context column)', () => {
  afterEach(() => api.propagation.disable());

  it('uses the app\'s propagator when one is registered', () => {
    api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const carrier = injectTraceContext(api, api.trace.setSpanContext(api.ROOT_CONTEXT, { ...span, traceState: api.createTraceState('shop=1') }));
    expect(carrier).toEqual({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'shop=1' });
    expect(api.trace.getSpanContext(extractTraceContext(api, carrier))).toMatchObject({ ...span, isRemote: true });
  });

  it('writes and reads a W3C traceparent itself when no propagator is registered', () => {
    const carrier = injectTraceContext(api, withSpan);
    expect(carrier).toEqual({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    expect(api.trace.getSpanContext(extractTraceContext(api, carrier))).toEqual({ ...span, isRemote: true });
    const unsampled = injectTraceContext(api, api.trace.setSpanContext(api.ROOT_CONTEXT, { ...span, traceFlags: 0 }));
    expect(unsampled?.traceparent.endsWith('-00')).toBe(true);
  });

  it('nothing to store without a valid span (no SDK), nothing to continue without a carrier', () => {
    expect(injectTraceContext(api, api.ROOT_CONTEXT)).toBeNull();
    expect(injectTraceContext(api, api.trace.setSpanContext(api.ROOT_CONTEXT, api.INVALID_SPAN_CONTEXT))).toBeNull();
    expect(extractTraceContext(api, null)).toBe(api.ROOT_CONTEXT);
    for (const junk of [{} as Record<string, string>, { traceparent: 'nope' }, { traceparent: `00-${'0'.repeat(32)}-${'0'.repeat(16)}-01` }]) {
      expect(api.trace.getSpanContext(extractTraceContext(api, junk))).toBeUndefined();
    }
  });
});
