import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { JobService } from '../../lib/enqueue/job.service.js';
import type { Job } from '../../lib/enqueue/job.js';
import { QueueJobTracing } from '../../lib/observability/queue-job-tracing.js';
import { ObservedLog, ObservedService } from '../fixtures/observed.service.js';
import { inState, jobRow, waitForRow } from '../support/job-rows.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';

// An in-memory OpenTelemetry SDK: the spans the module makes, as an exporter would receive them.
// One per describe: shutting a provider down stops its exporter.
let exporter: InMemorySpanExporter;
function newProvider(): BasicTracerProvider {
  exporter = new InMemorySpanExporter();
  return new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
}

const spansOf = (uuid: string) => exporter.getFinishedSpans().filter((s) => s.attributes['queue_job.uuid'] === uuid);
const named = (spans: ReadableSpan[], prefix: string) => spans.filter((s) => s.name.startsWith(prefix));

describe('OpenTelemetry: enqueue and execution spans, one trace from the request to every attempt', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let observed: ObservedService;
  let jobs: JobService;
  let provider: BasicTracerProvider;

  beforeAll(async () => {
    provider = newProvider();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
    db = await createTestDatabase();
    app = await createTestApp({ url: db.url, channels: 'root:4', providers: [ObservedService, { provide: ObservedLog, useValue: new ObservedLog() }] });
    observed = app.get(ObservedService);
    jobs = app.get(JobService);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });
  beforeEach(() => exporter.reset());

  it('is on by default when @opentelemetry/api is installed', () => {
    expect(app.get(QueueJobTracing).active).toBe(true);
  });

  it('a job retried once: both attempts are children of the enqueue span, in the trace of the request', async () => {
    const tracer = trace.getTracer('test');
    const { job, request } = await tracer.startActiveSpan('POST /orders', async (span) => {
      const job = await jobs.withDelay(observed).retryOnce('traced');
      span.end();
      return { job, request: span.spanContext() };
    });
    await waitForRow(db, job.uuid, inState('done', 'failed'));
    const spans = await waitFor('2 execution spans', () => {
      const found = named(spansOf(job.uuid), 'execute ');
      return found.length === 2 ? spansOf(job.uuid) : null;
    });

    const [enqueue] = named(spans, 'enqueue ');
    expect(enqueue).toBeDefined();
    expect(enqueue!.name).toBe('enqueue <ObservedService>.retryOnce');
    expect(enqueue!.kind).toBe(SpanKind.PRODUCER);
    expect(enqueue!.spanContext().traceId).toBe(request.traceId);
    expect(enqueue!.parentSpanContext?.spanId).toBe(request.spanId);
    expect(enqueue!.attributes).toMatchObject({
      'queue_job.job_function': '<ObservedService>.retryOnce', 'queue_job.channel': 'root', 'queue_job.uuid': job.uuid,
      'queue_job.retry': 0, 'queue_job.state': 'pending',
    });

    // The trace context stored with the job is the enqueue span's (W3C traceparent).
    const row = await jobRow(db, job.uuid) as unknown as { trace_context: Record<string, string> };
    expect(row.trace_context.traceparent).toBe(`00-${request.traceId}-${enqueue!.spanContext().spanId}-01`);

    const [first, second] = named(spans, 'execute ').sort((a, b) => Number(a.attributes['queue_job.retry']) - Number(b.attributes['queue_job.retry']));
    for (const attempt of [first!, second!]) {
      expect(attempt.name).toBe('execute <ObservedService>.retryOnce');
      expect(attempt.kind).toBe(SpanKind.CONSUMER);
      expect(attempt.spanContext().traceId).toBe(request.traceId);
      expect(attempt.parentSpanContext?.spanId).toBe(enqueue!.spanContext().spanId);
    }
    expect(first!.attributes).toMatchObject({ 'queue_job.retry': 1, 'queue_job.state': 'pending', 'queue_job.uuid': job.uuid, 'queue_job.channel': 'root' });
    expect(first!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'RetryableJobError: not yet: traced' });
    expect(first!.events.map((e) => [e.name, e.attributes?.['exception.message']])).toEqual([['exception', 'not yet: traced']]);
    expect(second!.attributes).toMatchObject({ 'queue_job.retry': 2, 'queue_job.state': 'done' });
    expect(second!.status.code).toBe(SpanStatusCode.UNSET);
    expect(second!.events).toEqual([]);
  });

  it('a failing job: the execution span records the exception with status ERROR and state failed', async () => {
    const job = (await observed.crash('traced')) as unknown as Job;
    await waitForRow(db, job.uuid, inState('failed'));
    const [span] = await waitFor('the execution span', () => {
      const found = named(spansOf(job.uuid), 'execute ');
      return found.length === 1 ? found : null;
    });
    expect(span!.attributes).toMatchObject({ 'queue_job.state': 'failed', 'queue_job.retry': 1 });
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'TypeError: boom traced' });
    expect(span!.events[0]?.attributes).toMatchObject({ 'exception.type': 'TypeError', 'exception.message': 'boom traced' });
  });

  it('NothingToDoJob is no error: state done, status unset', async () => {
    const job = (await observed.nothing('traced')) as unknown as Job;
    await waitForRow(db, job.uuid, inState('done'));
    const [span] = await waitFor('the execution span', () => {
      const found = named(spansOf(job.uuid), 'execute ');
      return found.length === 1 ? found : null;
    });
    expect(span!.attributes['queue_job.state']).toBe('done');
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('a job enqueued by a running job: its enqueue span is a child of the running job\'s execution span', async () => {
    const parent = await jobs.withDelay(observed).spawn('nest');
    await waitForRow(db, parent.uuid, inState('done'));
    const { rows } = await db.pool.query<{ uuid: string }>(`SELECT uuid FROM queue_job WHERE args->>0 = 'nest-child'`);
    const child = rows[0]!.uuid;
    await waitForRow(db, child, inState('done'));
    const [parentRun] = await waitFor('the parent execution span', () => {
      const found = named(spansOf(parent.uuid), 'execute ');
      return found.length === 1 ? found : null;
    });
    const childSpans = await waitFor('the child execution span', () => (named(spansOf(child), 'execute ').length === 1 ? spansOf(child) : null));
    const [childEnqueue] = named(childSpans, 'enqueue ');
    const [childRun] = named(childSpans, 'execute ');
    expect(childEnqueue!.parentSpanContext?.spanId).toBe(parentRun!.spanContext().spanId);
    expect(childRun!.parentSpanContext?.spanId).toBe(childEnqueue!.spanContext().spanId);
    expect(new Set([parentRun!, childEnqueue!, childRun!].map((s) => s.spanContext().traceId)).size).toBe(1);
  });

  it('without an active trace, each job starts its own trace at enqueue', async () => {
    const job = await jobs.withDelay(observed).ok('no request');
    await waitForRow(db, job.uuid, inState('done'));
    const spans = await waitFor('the execution span', () => (named(spansOf(job.uuid), 'execute ').length === 1 ? spansOf(job.uuid) : null));
    const [enqueue] = named(spans, 'enqueue ');
    const [execute] = named(spans, 'execute ');
    expect(enqueue!.parentSpanContext).toBeUndefined();
    expect(execute!.spanContext().traceId).toBe(enqueue!.spanContext().traceId);
    expect(execute!.parentSpanContext?.spanId).toBe(enqueue!.spanContext().spanId);
  });
});

describe('OpenTelemetry with { tracing: { link: true } }', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let provider: BasicTracerProvider;

  beforeAll(async () => {
    provider = newProvider();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
    // No propagator registered: the module writes the W3C traceparent itself.
    db = await createTestDatabase();
    app = await createTestApp({
      url: db.url, channels: 'root:4', observability: { tracing: { link: true } },
      providers: [ObservedService, { provide: ObservedLog, useValue: new ObservedLog() }],
    });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await provider.shutdown();
    trace.disable();
    context.disable();
  });
  beforeEach(() => exporter.reset());

  it('each attempt is the root of its own trace, linked to the enqueue span', async () => {
    const job = await app.get(JobService).withDelay(app.get(ObservedService)).retryOnce('linked');
    await waitForRow(db, job.uuid, inState('done', 'failed'));
    const spans = await waitFor('2 execution spans', () => (named(spansOf(job.uuid), 'execute ').length === 2 ? spansOf(job.uuid) : null));
    const [enqueue] = named(spans, 'enqueue ');
    const row = await jobRow(db, job.uuid) as unknown as { trace_context: Record<string, string> };
    expect(row.trace_context).toEqual({ traceparent: `00-${enqueue!.spanContext().traceId}-${enqueue!.spanContext().spanId}-01` });
    const attempts = named(spans, 'execute ');
    for (const attempt of attempts) {
      expect(attempt.parentSpanContext).toBeUndefined();
      expect(attempt.spanContext().traceId).not.toBe(enqueue!.spanContext().traceId);
      expect(attempt.links.map((l) => l.context.spanId)).toEqual([enqueue!.spanContext().spanId]);
      expect(attempt.links[0]!.context.traceId).toBe(enqueue!.spanContext().traceId);
    }
    expect(new Set(attempts.map((a) => a.spanContext().traceId)).size).toBe(2);
  });
});
