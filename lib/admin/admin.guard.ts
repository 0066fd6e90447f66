import {
  ForbiddenException, Inject, Injectable, Logger, type CanActivate, type ExecutionContext, type OnModuleInit, type Type,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { isObservable, lastValueFrom } from 'rxjs';
import { adminClosedWithoutGuard, adminOpenInDevelopment, forbiddenByGuard, forbiddenWithoutGuard } from './admin.messages.js';
import { QUEUE_JOB_ADMIN_OPTIONS, type QueueJobAdminGuardFunction, type ResolvedAdminOptions } from './admin.options.js';

type Check = (context: ExecutionContext) => unknown;

/**
 * Every admin route goes through this guard: it runs the app's guard (`admin.guard`), and without
 * one refuses everything with 403, unless the app started with NODE_ENV=development.
 */
@Injectable()
export class QueueJobAdminGuard implements CanActivate, OnModuleInit {
  private readonly logger = new Logger('QueueJob');
  private check: Check | null = null;
  private openWithoutGuard = false;

  constructor(
    @Inject(QUEUE_JOB_ADMIN_OPTIONS) private readonly options: ResolvedAdminOptions,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onModuleInit(): Promise<void> {
    const { guard, path } = this.options;
    if (guard === undefined) {
      this.openWithoutGuard = process.env.NODE_ENV === 'development';
      this.logger.warn(this.openWithoutGuard ? adminOpenInDevelopment(path) : adminClosedWithoutGuard(path));
    } else if (isGuardClass(guard)) {
      const instance = this.provided(guard) ?? (await this.moduleRef.create(guard));
      this.check = (context) => instance.canActivate(context);
    } else if (typeof guard === 'function') {
      const fn = guard as QueueJobAdminGuardFunction;
      this.check = (context) => fn(context.switchToHttp().getRequest(), context);
    } else {
      this.check = (context) => guard.canActivate(context);
    }
  }

  /** The app's own provider of the guard class, wherever it is declared (then its dependencies are the app's business). */
  private provided(guard: Type<CanActivate>): CanActivate | undefined {
    try {
      return this.moduleRef.get(guard, { strict: false });
    } catch {
      return undefined;
    }
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.check === null) {
      if (this.openWithoutGuard) return true;
      throw new ForbiddenException(forbiddenWithoutGuard());
    }
    let verdict = this.check(context);
    if (isObservable(verdict)) verdict = await lastValueFrom(verdict);
    if (!(await verdict)) throw new ForbiddenException(forbiddenByGuard());
    return true;
  }
}

function isGuardClass(guard: unknown): guard is Type<CanActivate> {
  return typeof guard === 'function' && typeof (guard as { prototype?: { canActivate?: unknown } }).prototype?.canActivate === 'function';
}
