import type * as Otel from '@opentelemetry/api';
import type { PreparedJob } from '../enqueue/prepared-job.js';
import type { ExecutingJob } from '../hooks/job-event.js';
import { errorOutcome } from '../runner/job-outcome.js';
import { describeThrown } from '../errors/describe-thrown.js';
import { TRACER_NAME } from './observability.constants.js';
import { extractTraceContext, injectTraceContext, type OtelApi } from './trace-carrier.js';

/**
 * The spans of a job: one PRODUCER span when it is enqueued, in the caller's trace, whose context is
 * stored with the job; one CONSUMER span per execution attempt, a child of that span (or, with
 * `link`, the root of a new trace linked to it). Without an SDK the API's no-op tracer makes them.
 */
export class JobSpans {
  constructor(private readonly api: OtelApi, private readonly link: boolean) {}

  private get tracer(): Otel.Tracer {
    return this.api.trace.getTracer(TRACER_NAME);
  }

  /** Enqueue hook: ended at once, it marks the enqueue in the caller's trace and gives the job its context. */
  enqueued(job: PreparedJob): void {
    const { row } = job;
    const span = this.tracer.startSpan(`enqueue ${row.jobFunction}`, { kind: this.api.SpanKind.PRODUCER });
    // No SDK (or nothing to propagate): skip the attributes and the carrier, a bulk enqueue pays nothing.
    if (!span.isRecording() && !this.api.trace.isSpanContextValid(span.spanContext())) return span.end();
    span.setAttributes({
      ...jobAttributes(row.jobFunction, row.channel, row.uuid, 'create'),
      'queue_job.retry': 0, 'queue_job.max_retries': row.maxRetries, 'queue_job.state': row.state, 'queue_job.priority': row.priority,
      ...(row.graphUuid && { 'queue_job.graph_uuid': row.graphUuid }),
    });
    const carrier = injectTraceContext(this.api, this.api.trace.setSpan(this.api.context.active(), span));
    if (carrier) row.traceContext = JSON.stringify(carrier);
    span.end();
  }

  /** Execution wrapper: the job runs with its span active, so the jobs it enqueues join its trace. */
  execute(job: ExecutingJob, run: () => Promise<unknown>): Promise<unknown> {
    const api = this.api;
    const origin = extractTraceContext(api, job.traceContext);
    const enqueueSpan = api.trace.getSpanContext(origin);
    const parent = this.link ? api.ROOT_CONTEXT : origin;
    const attributes = jobAttributes(job.jobFunction, job.channel, job.uuid, 'process');
    attributes['queue_job.retry'] = job.retry;
    attributes['queue_job.max_retries'] = job.maxRetries;
    const span = this.tracer.startSpan(`execute ${job.jobFunction}`, {
      kind: api.SpanKind.CONSUMER,
      links: this.link && enqueueSpan ? [{ context: enqueueSpan }] : undefined,
      attributes,
    }, parent);
    // No SDK and no trace to continue: the span is a no-op, and so is making it active.
    if (!span.isRecording() && !api.trace.isSpanContextValid(span.spanContext())) return run();
    return api.context.with(api.trace.setSpan(parent, span), async () => {
      try {
        const result = await run();
        span.setAttribute('queue_job.state', 'done');
        return result;
      } catch (error) {
        this.recordError(span, job, error);
        throw error;
      } finally {
        span.end();
      }
    });
  }

  /** The state the attempt leads to (the runner's own rule); an error unless it is NothingToDoJob (done). */
  private recordError(span: Otel.Span, job: ExecutingJob, error: unknown): void {
    const { state } = errorOutcome(error, { retry: job.retry, maxRetries: job.maxRetries, retryPattern: null }, () => 0);
    span.setAttribute('queue_job.state', state);
    if (state === 'done') return;
    // Read once, safely: a thrown value may be hostile (getters that throw, a Proxy).
    const thrown = describeThrown(error);
    span.recordException({ name: thrown.name, message: thrown.message, stack: thrown.stack });
    span.setStatus({ code: this.api.SpanStatusCode.ERROR, message: `${thrown.name}: ${thrown.message}` });
  }
}

function jobAttributes(jobFunction: string, channel: string, uuid: string, operation: 'create' | 'process'): Otel.Attributes {
  return {
    'messaging.system': 'queue_job', 'messaging.operation.type': operation, 'messaging.destination.name': channel,
    'messaging.message.id': uuid, 'queue_job.job_function': jobFunction, 'queue_job.channel': channel, 'queue_job.uuid': uuid,
  };
}
