import { BadRequestException, Body, Controller, ForbiddenException, Get, Header, HttpCode, Inject, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ChannelSettingsService } from '../../channels/channel-settings.service.js';
import type { ChannelLimits, ChannelSetting } from '../../channels/channel-settings.js';
import { InvalidChannelSettingError } from '../../errors/invalid-channel-setting.error.js';
import { actorOf } from '../admin-actor.js';
import { QueueJobAdminGuard } from '../admin.guard.js';
import * as m from '../admin.messages.js';
import { QUEUE_JOB_ADMIN_OPTIONS, type ResolvedAdminOptions } from '../admin.options.js';
import { requireJson, type RequestLike } from './admin-api.controller.js';
import { AdminSameSiteGuard } from './same-site.guard.js';

const AUDIT_LIMIT = 200;

/**
 * Run-time channel settings from the admin, for every instance (JobService.pauseChannel and co.):
 * `POST api/channels/<name>/pause|resume|reset-limits`, `POST api/channels/<name>/limits` with
 * `{ capacity?, throttle?, sequential? }`, and the audit log, `GET api/channels/audit?channel=`.
 * Actions are JSON requests from the admin's own site, refused in read-only mode, recorded with the user.
 */
@Controller('api/channels')
@UseGuards(QueueJobAdminGuard)
export class AdminChannelSettingsController {
  constructor(
    private readonly settings: ChannelSettingsService,
    @Inject(QUEUE_JOB_ADMIN_OPTIONS) private readonly options: ResolvedAdminOptions,
  ) {}

  @Get('audit')
  @Header('Cache-Control', 'no-store')
  async audit(@Query('channel') channel?: string) {
    return { entries: await this.refusingBadInput(() => this.settings.audit(channel || undefined, AUDIT_LIMIT)) };
  }

  @Post(':name/pause')
  @HttpCode(200)
  @UseGuards(AdminSameSiteGuard)
  pause(@Param('name') name: string, @Req() request: RequestLike) {
    return this.act('pause', request, (by) => this.settings.pause(name, { by }));
  }

  @Post(':name/resume')
  @HttpCode(200)
  @UseGuards(AdminSameSiteGuard)
  resume(@Param('name') name: string, @Req() request: RequestLike) {
    return this.act('resume', request, (by) => this.settings.resume(name, { by }));
  }

  @Post(':name/limits')
  @HttpCode(200)
  @UseGuards(AdminSameSiteGuard)
  limits(@Param('name') name: string, @Body() body: unknown, @Req() request: RequestLike) {
    // Any JSON: setLimits checks it and refuses what is not limits (400).
    return this.act('limits', request, (by) => this.settings.setLimits(name, body as ChannelLimits, { by }));
  }

  @Post(':name/reset-limits')
  @HttpCode(200)
  @UseGuards(AdminSameSiteGuard)
  resetLimits(@Param('name') name: string, @Req() request: RequestLike) {
    return this.act('reset-limits', request, (by) => this.settings.resetLimits(name, { by }));
  }

  private async act(action: string, request: RequestLike, change: (by: string) => Promise<ChannelSetting>) {
    requireJson(request);
    if (this.options.readOnly) throw new ForbiddenException(m.readOnlyRefusal(action));
    const by = actorOf(request);
    return { action, by, setting: await this.refusingBadInput(() => change(by)) };
  }

  private async refusingBadInput<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof InvalidChannelSettingError) throw new BadRequestException(error.message);
      throw error;
    }
  }
}
