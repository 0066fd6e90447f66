/** Metadata key written by `@OnJobFailure()`. */
export const ON_JOB_FAILURE_METADATA = 'queue_job:on_failure';

/** Name of the OpenTelemetry tracer of the module's spans. */
export const TRACER_NAME = 'nestjs-queue-job';
