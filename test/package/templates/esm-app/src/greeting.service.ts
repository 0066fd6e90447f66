import { Injectable } from '@nestjs/common';
import { Delayable } from 'nestjs-queue-job';

@Injectable()
export class GreetingService {
  readonly greeted: string[] = [];

  /** Called directly, this stores a job; the runner calls it later and stores its result. */
  @Delayable({ channel: 'root.greetings' })
  async greet(name: string): Promise<string> {
    this.greeted.push(name);
    return `Hello, ${name}!`;
  }
}
