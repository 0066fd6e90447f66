import { Injectable } from '@nestjs/common';
import { Delayable } from '../../../lib/index.js';
import { FaultJobs, type FaultResult } from './fault-jobs.js';

/**
 * What version 2 of the fault worker adds (`FAULT_VERSION=2`): a job function that version 1 does
 * not have, as a rolling deploy brings (the mixed-fleet spec).
 */
@Injectable()
export class FaultJobsV2 {
  constructor(private readonly faults: FaultJobs) {}

  @Delayable()
  async newInV2(tag: string, ms: number): Promise<FaultResult> {
    return this.faults.run(tag, ms);
  }
}
