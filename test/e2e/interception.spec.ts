import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Inject, Injectable, Module, Post, Scope } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Delayable } from '../../lib/decorators/delayable.decorator.js';
import { NoDelayPolicy, QueueJobDelayPolicy } from '../../lib/enqueue/delay-policy.js';
import { Job } from '../../lib/enqueue/job.js';
import { QueueJobModule } from '../../lib/queue-job.module.js';
import { trapJobs } from '../../lib/testing/trap-jobs.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** A job function that counts its real runs: a call that runs inline shows up here. */
@Injectable()
class MailService {
  sent: string[] = [];

  @Delayable()
  async send(to: string): Promise<string> {
    this.sent.push(to);
    return `sent to ${to}`;
  }
}

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.drop();
});

const storedJobs = async () => Number((await db.pool.query('SELECT count(*) AS n FROM queue_job')).rows[0].n);

function compileApp(providers: Parameters<typeof Test.createTestingModule>[0]['providers'] = [MailService]) {
  return Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({ type: 'postgres', url: db.url, logging: false, retryAttempts: 0 }),
      QueueJobModule.forRoot({ runner: false }),
    ],
    providers,
  });
}

describe('a @Delayable call on a compiled testing module that was not initialised', () => {
  let moduleRef: TestingModule | undefined;

  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });

  it('is refused with what to do, and neither runs inline nor stores a job', async () => {
    moduleRef = await compileApp().compile();
    const mail = moduleRef.get(MailService);
    await expect(mail.send('ann@example.com')).rejects.toThrow(
      'MailService.send is a @Delayable() method, but no initialised QueueJobModule knows this instance',
    );
    await expect(mail.send('ann@example.com')).rejects.toThrow('await moduleRef.init()');
    expect(mail.sent).toEqual([]);
    expect(await storedJobs()).toBe(0);
  });

  it('with the no-delay override, is refused too: the override cannot silently do nothing', async () => {
    moduleRef = await compileApp().overrideProvider(QueueJobDelayPolicy).useClass(NoDelayPolicy).compile();
    const mail = moduleRef.get(MailService);
    await expect(mail.send('bob@example.com')).rejects.toThrow('no initialised QueueJobModule knows this instance');
    expect(mail.sent).toEqual([]);
  });

  it('once moduleRef.init() ran, stores a job as in a running app', async () => {
    moduleRef = await compileApp().compile();
    await moduleRef.init();
    const job = (await moduleRef.get(MailService).send('cid@example.com')) as unknown as Job;
    expect(job).toBeInstanceOf(Job);
    const { rows } = await db.pool.query('SELECT job_function, args FROM queue_job WHERE uuid = $1', [job.uuid]);
    expect(rows).toEqual([{ job_function: '<MailService>.send', args: ['cid@example.com'] }]);
    expect(moduleRef.get(MailService).sent).toEqual([]);
  });

  it('with the no-delay override and init(), runs at once', async () => {
    moduleRef = await compileApp().overrideProvider(QueueJobDelayPolicy).useClass(NoDelayPolicy).compile();
    await moduleRef.init();
    await expect(moduleRef.get(MailService).send('dee@example.com')).resolves.toBe('sent to dee@example.com');
  });

  it('trapJobs() on it throws and says to call init()', async () => {
    moduleRef = await compileApp().compile();
    expect(() => trapJobs(moduleRef!)).toThrow('trapJobs() was given a module that has not been initialised');
    await moduleRef.init();
    const trap = trapJobs(moduleRef);
    await moduleRef.get(MailService).send('eve@example.com');
    trap.assertEnqueued(moduleRef.get(MailService).send, ['eve@example.com']);
    trap.restore();
  });
});

describe('trapJobs() on a module without QueueJobModule', () => {
  it('throws and says which module to pass', async () => {
    const moduleRef = await Test.createTestingModule({ providers: [] }).compile();
    await moduleRef.init();
    expect(() => trapJobs(moduleRef)).toThrow('trapJobs() found no QueueJobModule in the module it was given');
    await moduleRef.close();
  });
});

describe('an instance made with new, outside Nest', () => {
  const saved = process.env.TEST_QUEUE_JOB_NO_DELAY;
  afterEach(() => {
    if (saved === undefined) delete process.env.TEST_QUEUE_JOB_NO_DELAY;
    else process.env.TEST_QUEUE_JOB_NO_DELAY = saved;
  });

  it('refuses the call by default', async () => {
    delete process.env.TEST_QUEUE_JOB_NO_DELAY;
    const mail = new MailService();
    await expect(mail.send('fay@example.com')).rejects.toThrow('TEST_QUEUE_JOB_NO_DELAY=1');
    expect(mail.sent).toEqual([]);
  });

  it('runs it inline with TEST_QUEUE_JOB_NO_DELAY=1', async () => {
    process.env.TEST_QUEUE_JOB_NO_DELAY = '1';
    const mail = new MailService();
    await expect(mail.send('gus@example.com')).resolves.toBe('sent to gus@example.com');
    expect(mail.sent).toEqual(['gus@example.com']);
  });
});

@Injectable({ scope: Scope.REQUEST })
class RequestMailService {
  @Delayable()
  async send(to: string): Promise<void> {
    void to;
  }
}

@Injectable({ scope: Scope.REQUEST })
class TenantContext {
  constructor(@Inject(REQUEST) readonly request: unknown) {}
}

@Injectable()
class TenantMailService {
  constructor(readonly tenant: TenantContext) {}

  @Delayable()
  async send(to: string): Promise<void> {
    void to;
  }
}

@Injectable({ scope: Scope.TRANSIENT })
class TransientMailService {
  @Delayable()
  async send(to: string): Promise<void> {
    void to;
  }
}

@Controller('mail')
class MailController {
  @Post()
  @Delayable()
  async send(): Promise<void> {}
}

@Module({ controllers: [MailController] })
class MailControllerModule {}

async function initError(build: () => Promise<TestingModule>): Promise<Error> {
  const moduleRef = await build();
  try {
    await moduleRef.init();
  } catch (error) {
    return error as Error;
  } finally {
    await moduleRef.close().catch(() => undefined);
  }
  throw new Error('expected init() to fail');
}

describe('job functions the runner could not call are refused at startup', () => {
  it('on a request-scoped provider: names it and says why', async () => {
    const error = await initError(() => compileApp([RequestMailService]).compile());
    expect(error.message).toBe(
      'RequestMailService.send is a @Delayable() method, but RequestMailService is request-scoped: it has no instance outside a request. '
      + 'A job runs later, outside any request, on one instance of its provider: move the method to a singleton provider '
      + '(the default scope) and pass what it needs from the request as arguments.',
    );
  });

  it('on a provider that is request-scoped through a dependency: names the dependency', async () => {
    const error = await initError(() => compileApp([TenantContext, TenantMailService]).compile());
    expect(error.message).toContain('TenantMailService.send is a @Delayable() method, but TenantMailService is request-scoped through its dependency TenantContext');
  });

  it('on a transient provider', async () => {
    const error = await initError(() => compileApp([TransientMailService]).compile());
    expect(error.message).toContain('TransientMailService.send is a @Delayable() method, but TransientMailService is a transient provider');
  });

  it('on a controller', async () => {
    const error = await initError(() => Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: db.url, logging: false, retryAttempts: 0 }),
        QueueJobModule.forRoot({ runner: false }),
        MailControllerModule,
      ],
    }).compile());
    expect(error.message).toContain('MailController.send is a @Delayable() method, but MailController is a controller');
  });
});
