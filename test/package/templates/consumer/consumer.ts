// Type-checked (tsc --noEmit) against the installed tarball under each moduleResolution by
// test/package/packed-package.spec.ts: every entry point must resolve, with its types.
import { Delayable, JobService, QueueJobModule, type QueueJobModuleOptions } from 'nestjs-queue-job';
import { NoDelayPolicy, trapJobs, type JobsTrap } from 'nestjs-queue-job/testing';
import { clsContext, type ClsContextOptions } from 'nestjs-queue-job/cls';

const options: QueueJobModuleOptions = { channels: 'root:1' };
const trap: (source: Parameters<typeof trapJobs>[0]) => JobsTrap = trapJobs;
const cls: (options: ClsContextOptions) => unknown = clsContext;

export const entryPoints = [Delayable, JobService, QueueJobModule, NoDelayPolicy, options, trap, cls];
