import { noDelayFromEnv } from '../config/resolve-options.js';
import { notIntercepted } from '../queue-job.messages.js';

type Method = (...args: unknown[]) => unknown;

/** What an initialised QueueJobModule does with a call of one instance's `@Delayable()` method. */
export type CallHandler = (args: unknown[]) => Promise<unknown>;

/** Per instance, per method: the handler its app installed. Keyed by instance, so each app sees only its own. */
const handlers = new WeakMap<object, Map<string | symbol, CallHandler>>();
/** Interceptor → the method it replaced on the prototype. */
const originals = new WeakMap<Function, Method>();

/**
 * Replaces a job function's method on its prototype, at decoration time, by an interceptor: a call
 * goes to the handler that the app's QueueJobModule installed for the instance when it initialised
 * (enqueue, trap or run now), and a call on an instance no initialised module knows is refused with
 * what to do instead of running inline by accident. Metadata already on the method is carried over.
 */
export function interceptCalls(key: string | symbol, descriptor: PropertyDescriptor): void {
  const original = descriptor.value as unknown;
  if (typeof original !== 'function' || originals.has(original)) return;
  const interceptor = function (this: object, ...args: unknown[]): unknown {
    const handler = handlers.get(this)?.get(key);
    if (handler) return handler(args);
    return uninterceptedCall(this, key, original as Method, args);
  };
  Object.defineProperty(interceptor, 'name', { value: original.name });
  for (const metadataKey of Reflect.getOwnMetadataKeys(original)) {
    Reflect.defineMetadata(metadataKey, Reflect.getOwnMetadata(metadataKey, original), interceptor);
  }
  originals.set(interceptor, original as Method);
  descriptor.value = interceptor;
}

/** Routes the calls of `instance[key]` to `handler` (QueueJobModule, when it initialises). */
export function handleCalls(instance: object, key: string | symbol, handler: CallHandler): void {
  const methods = handlers.get(instance) ?? new Map<string | symbol, CallHandler>();
  methods.set(key, handler);
  handlers.set(instance, methods);
}

/** The method as written, behind its interceptor: what the runner calls. */
export function originalMethod<M extends Function>(method: M): M {
  return (originals.get(method) as M | undefined) ?? method;
}

/**
 * A call on an instance that no initialised QueueJobModule knows: a testing module compiled but not
 * initialised, a call from another provider's onModuleInit that ran first, or an instance made with
 * `new`. Inline only when the environment asks for no delay; otherwise refused with what to do.
 */
function uninterceptedCall(instance: object | undefined, key: string | symbol, original: Method, args: unknown[]): unknown {
  if (noDelayFromEnv()) return original.apply(instance, args);
  const owner = instance?.constructor?.name ?? 'undefined';
  return Promise.reject(new Error(notIntercepted(`${owner}.${String(key)}`)));
}
