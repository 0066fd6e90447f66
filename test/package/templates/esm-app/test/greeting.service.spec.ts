import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { trapJobs, type JobsTrap } from 'nestjs-queue-job/testing';
import { AppModule } from '../src/app.module.js';
import { GreetingService } from '../src/greeting.service.js';

describe('GreetingService', () => {
  let moduleRef: TestingModule;
  let trap: JobsTrap;

  beforeEach(async () => {
    moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    await moduleRef.init();
    trap = trapJobs(moduleRef);
  });
  afterEach(async () => {
    trap.restore();
    await moduleRef.close();
  });

  it('enqueues a greeting, which says hello when performed', async () => {
    const greetings = moduleRef.get(GreetingService);
    await greetings.greet('Ada');
    trap.assertEnqueued(greetings.greet, ['Ada'], { channel: 'root.greetings' });
    expect(greetings.greeted).toEqual([]);
    const performed = await trap.performEnqueuedJobs();
    expect(performed.done).toHaveLength(1);
    expect(greetings.greeted).toEqual(['Ada']);
  });
});
