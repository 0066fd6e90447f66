import { Logger } from '@nestjs/common';
import { ADMIN_CONTROLLERS } from './admin-controllers.js';

/**
 * Keeps Nest's per-route startup lines of the admin's controllers out of the app's log, while the
 * app's own routes keep theirs. Nest 12 has no option for this: `RoutesResolver` logs
 * "AdminApiController {/queue-job/api}:" and `RouterExplorer` one "Mapped {…} route" per route, each
 * through a `Logger` instance of its own. Lines are dropped in `Logger.prototype.log`, before the
 * logger picks its output, so this holds whatever the app logs to — Nest's console logger,
 * `app.useLogger(...)`, pino, or `bufferLogs` (buffered lines are filtered as they are written).
 * Replacing the app's logger instead would miss Nest's default logger (each Logger instance then
 * prints on its own) and buffered lines (written through whichever logger is current at flush).
 * The filter is on only while routes are mapped ({@link quietAdminRouteLines} to `end()`), and
 * while several apps of one process are starting it stays on until the last one has mapped its
 * routes: dropping another app's admin lines changes nothing, it reports its admin in one line too.
 */
export function quietAdminRouteLines(): { end(): void } {
  if (openCount++ === 0) {
    nestLog = Logger.prototype.log;
    Logger.prototype.log = filteredLog;
  }
  let ended = false;
  return {
    end() {
      if (ended) return;
      ended = true;
      if (--openCount === 0) {
        if (Logger.prototype.log === filteredLog) Logger.prototype.log = nestLog!;
        inAdminController = false;
      }
    },
  };
}

const ADMIN_CONTROLLER_NAMES = new Set(ADMIN_CONTROLLERS.map((controller) => controller.name));

/** How many apps are mapping routes with the filter on; `Logger.prototype.log` as Nest made it. */
let openCount = 0;
let nestLog: Logger['log'] | undefined;
/**
 * Whether the controller Nest is mapping is one of the admin's: its "Mapped" lines follow its
 * "Controller {path}:" line, all in one synchronous pass, so apps never interleave here.
 */
let inAdminController = false;

function filteredLog(this: Logger, message: unknown, ...optionalParams: unknown[]): void {
  if (isAdminRouteLine((this as unknown as { context?: string }).context, String(message))) return;
  nestLog!.call(this, message, ...optionalParams);
}

function isAdminRouteLine(context: string | undefined, message: string): boolean {
  if (context === 'RoutesResolver') {
    inAdminController = ADMIN_CONTROLLER_NAMES.has(message.slice(0, message.indexOf(' {')));
    return inAdminController;
  }
  return context === 'RouterExplorer' && inAdminController && message.startsWith('Mapped {');
}
