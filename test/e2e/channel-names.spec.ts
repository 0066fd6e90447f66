import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Delayable } from '../../lib/decorators/delayable.decorator.js';
import { ChannelConfigError } from '../../lib/errors/channel-config.error.js';
import { CaptureLogger } from '../support/capture-logger.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

@Injectable()
class MailerService {
  @Delayable({ channel: 'root.mail' })
  async send(to: string): Promise<string> {
    return to;
  }
}

describe('a misspelled channel at startup', () => {
  let db: TestDatabase;
  const apps: INestApplicationContext[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await db?.drop();
  });

  it('QUEUE_JOB_CHANNELS-style typo "root.mial": a warning for each side, naming the likely channel', async () => {
    const logger = new CaptureLogger();
    apps.push(await createTestApp({ url: db.url, channels: 'root:4,root.mial:2', runner: false, providers: [MailerService], logger }));
    const warnings = logger.messages('warn').filter((m) => m.startsWith('Channel "'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^Channel "root.mial" is in the channels configuration, but no job function uses it.*Did you mean "root.mail"\?/);
    expect(warnings[1]).toMatch(/^Channel "root.mail" is used by <MailerService>.send but is not in the channels configuration.*Did you mean "root.mial"\?/);
  });

  it('no warning when the names match', async () => {
    const logger = new CaptureLogger();
    apps.push(await createTestApp({ url: db.url, channels: 'root:4,root.mail:2', runner: false, providers: [MailerService], logger }));
    expect(logger.messages('warn').filter((m) => m.startsWith('Channel "'))).toEqual([]);
  });

  it('strictChannels: true stops the app with a ChannelConfigError listing them', async () => {
    const failure = createTestApp({ url: db.url, channels: 'root:4,root.mial:2', strictChannels: true, runner: false, providers: [MailerService] })
      .then((app) => apps.push(app));
    await expect(failure).rejects.toThrow(ChannelConfigError);
    await expect(failure).rejects.toMatchObject({ entry: 'root.mial, root.mail', message: expect.stringContaining('strictChannels: Channel "root.mial"') });
  });
});
