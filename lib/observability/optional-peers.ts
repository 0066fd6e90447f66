import { Injectable, Logger } from '@nestjs/common';
import { peerUnloadable } from './observability.messages.js';

/** The optional peer dependencies the integrations use. */
export type OptionalPeer = '@opentelemetry/api' | 'prom-client' | '@nestjs/event-emitter';

const NOT_FOUND = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);

/**
 * Loads optional peers with a dynamic `import()`: the module never imports them statically, so an app
 * without them starts as usual. A test can override this provider to play an app without them.
 */
@Injectable()
export class OptionalPeers {
  private readonly logger = new Logger('QueueJob');
  private readonly loaded = new Map<OptionalPeer, Promise<unknown>>();

  /** The package's module, or undefined when it is not installed (or fails to load: logged). */
  load<T>(name: OptionalPeer): Promise<T | undefined> {
    let module = this.loaded.get(name);
    if (!module) {
      module = import(name).then(interop, (error: unknown) => {
        if (!NOT_FOUND.has((error as { code?: string }).code ?? '')) this.logger.warn(peerUnloadable(name, (error as Error).message));
        return undefined;
      });
      this.loaded.set(name, module);
    }
    return module as Promise<T | undefined>;
  }
}

/** A CommonJS package imported from ESM has its exports under `default`. */
function interop(module: Record<string, unknown>): unknown {
  return module.default !== undefined && typeof module.default === 'object' ? { ...module.default, ...module } : module;
}
