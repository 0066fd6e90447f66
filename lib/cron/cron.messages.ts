/** User-facing messages of `@DelayableCron()` (one factory per message). */

export const invalidCron = (method: string, expression: unknown, reason: string) =>
  `@DelayableCron(${JSON.stringify(expression)}) on ${method}: ${reason}. Use a cron expression of 5 fields, or 6 with seconds first, ` +
  `e.g. '0 2 * * *' (02:00 every day) or '*/30 * * * * *' (every 30 seconds), and an IANA timeZone such as 'Europe/Paris'.`;

export const invalidCronOption = (method: string, name: string, value: unknown, expected: string) =>
  `@DelayableCron() on ${method}: option "${name}" is ${JSON.stringify(value)}; expected ${expected}.`;

export const cronNotRegistered = (method: string) =>
  `@DelayableCron() on ${method}: the method is not a registered job function (is its class a request-scoped provider?). It is not scheduled.`;

export const cronSlotFailed = (jobFunction: string, slot: string, message: string) =>
  `Cron ${jobFunction}: the slot ${slot} could not be enqueued: ${message}`;
