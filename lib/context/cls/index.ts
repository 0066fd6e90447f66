/** `nestjs-queue-job/cls`: the `context` adapter for nestjs-cls (an optional peer dependency). */
export { clsContext, type ClsContextOptions } from './cls.context.js';
