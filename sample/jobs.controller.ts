import { Controller, Get } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { countAllJobs, type JobCounts } from './job-counts.js';

@Controller('jobs')
export class JobsController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Jobs of the whole database by channel and state, plus totals per state. */
  @Get('summary')
  async summary(): Promise<{ total: number; byState: Record<string, number>; byChannel: JobCounts }> {
    const byChannel = await countAllJobs(this.db);
    const byState: Record<string, number> = {};
    for (const states of Object.values(byChannel)) {
      for (const [state, n = 0] of Object.entries(states)) byState[state] = (byState[state] ?? 0) + n;
    }
    const total = Object.values(byState).reduce((sum, n) => sum + n, 0);
    return { total, byState, byChannel };
  }
}
