import {
  BadRequestException, Body, Controller, ForbiddenException, Get, Header, HttpCode, Inject, NotFoundException, Param, Post,
  Query, Req, UnsupportedMediaTypeException, UseGuards,
} from '@nestjs/common';
import { JOB_STATES } from '../../store/job-state.js';
import { isUuid } from '../../store/uuid.js';
import { actorOf } from '../admin-actor.js';
import { QueueJobAdminGuard } from '../admin.guard.js';
import * as m from '../admin.messages.js';
import { QUEUE_JOB_ADMIN_OPTIONS, type ResolvedAdminOptions } from '../admin.options.js';
import { AdminChannels } from './admin-channels.service.js';
import { AdminJobReader } from './admin-job-reader.service.js';
import { AdminQueries } from './admin-queries.service.js';
import { AdminSameSiteGuard } from './same-site.guard.js';
import { ACTIONS, AdminActions, type AdminAction } from './admin-actions.service.js';
import {
  DEFAULT_STATES, MAX_PAGE_SIZE, parseCountsQuery, parseGroupsQuery, parseJobsListQuery, type RawQuery,
} from './jobs-query.js';

const MAX_UUIDS = 1000;

/**
 * The admin's JSON REST API, under `<admin path>/api` (SPEC §10): everything the pages do.
 * Manual actions take `{ "uuids": [...] }` as JSON, and are recorded with the guard's user.
 */
@Controller('api')
@UseGuards(QueueJobAdminGuard)
export class AdminApiController {
  constructor(
    private readonly queries: AdminQueries,
    private readonly channels: AdminChannels,
    private readonly actions: AdminActions,
    private readonly job: AdminJobReader,
    @Inject(QUEUE_JOB_ADMIN_OPTIONS) private readonly options: ResolvedAdminOptions,
  ) {}

  /** Who is looking, and what the pages may offer. */
  @Get('info')
  @Header('Cache-Control', 'no-store')
  info(@Req() request: unknown) {
    return {
      user: actorOf(request), readOnly: this.options.readOnly, states: JOB_STATES, defaultStates: DEFAULT_STATES,
      maxPageSize: MAX_PAGE_SIZE, actions: ACTIONS,
    };
  }

  /** `?state=failed,pending&channel=root.sale&jobFunction=...&q=text&from=2025-01-01&to=...&page=1&pageSize=50&sort=dateCreated&order=desc` */
  @Get('jobs')
  @Header('Cache-Control', 'no-store')
  list(@Query() query: RawQuery) {
    return this.queries.listJobs(parseJobsListQuery(query));
  }

  /** Jobs per state under the list's other filters. */
  @Get('jobs/counts')
  @Header('Cache-Control', 'no-store')
  async counts(@Query() query: RawQuery) {
    return { states: await this.queries.countByState(parseCountsQuery(query)) };
  }

  /** `?by=channel|jobFunction|state|exception` plus the list's filters. */
  @Get('jobs/groups')
  @Header('Cache-Control', 'no-store')
  async groups(@Query() query: RawQuery) {
    const { filter, by } = parseGroupsQuery(query);
    return { by, groups: await this.queries.groupJobs(filter, by) };
  }

  /** Every field, the large ones (args, result, stack…) cut at 64 KB: a page loads this once. */
  @Get('jobs/:uuid')
  @Header('Cache-Control', 'no-store')
  detail(@Param('uuid') uuid: string) {
    return this.job.detail(checkedUuid(uuid), this.options.readOnly);
  }

  /** State, retries, dates, exception class: what a job's page polls. */
  @Get('jobs/:uuid/state')
  @Header('Cache-Control', 'no-store')
  state(@Param('uuid') uuid: string) {
    return this.job.state(checkedUuid(uuid));
  }

  /** The whole of one large field, as text (never sniffed as HTML, nor run if opened as a page). */
  @Get('jobs/:uuid/fields/:field')
  @Header('Cache-Control', 'no-store')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Content-Security-Policy', "default-src 'none'; sandbox")
  field(@Param('uuid') uuid: string, @Param('field') field: string) {
    return this.job.field(checkedUuid(uuid), field);
  }

  /** What the job's "Related" button opens: a URL, or records (loaded). */
  @Get('jobs/:uuid/related')
  @Header('Cache-Control', 'no-store')
  related(@Param('uuid') uuid: string) {
    return this.actions.related(checkedUuid(uuid));
  }

  /** `POST api/jobs/requeue|set-done|cancel|related` with `{ "uuids": [...] }`: all or nothing. */
  @Post('jobs/:action')
  @HttpCode(200)
  @UseGuards(AdminSameSiteGuard)
  bulk(@Param('action') action: string, @Body() body: unknown, @Req() request: RequestLike) {
    return this.act(action, uuidsOf(request, body), request);
  }

  /** `POST api/jobs/<uuid>/requeue|set-done|cancel|related`. */
  @Post('jobs/:uuid/:action')
  @HttpCode(200)
  @UseGuards(AdminSameSiteGuard)
  one(@Param('uuid') uuid: string, @Param('action') action: string, @Req() request: RequestLike) {
    requireJson(request);
    return this.act(action, [checkedUuid(uuid)], request);
  }

  @Get('channels')
  @Header('Cache-Control', 'no-store')
  async channelTree() {
    return { channels: await this.channels.tree() };
  }

  @Get('job-functions')
  @Header('Cache-Control', 'no-store')
  async jobFunctions() {
    return { jobFunctions: await this.queries.jobFunctions() };
  }

  private async act(action: string, uuids: string[], request: RequestLike) {
    if (!(ACTIONS as readonly string[]).includes(action)) throw new NotFoundException(m.unknownAction(action, ACTIONS));
    if (action === 'related') return { action, results: await this.actions.relatedMany(uuids) };
    if (this.options.readOnly) throw new ForbiddenException(m.readOnlyRefusal(action));
    const by = actorOf(request);
    return { action, by, changed: await this.actions.apply(action as Exclude<AdminAction, 'related'>, uuids, by) };
  }
}

export interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
}

function checkedUuid(uuid: string): string {
  if (!isUuid(uuid)) throw new BadRequestException(m.notAJobUuid(uuid));
  return uuid.toLowerCase();
}

/**
 * Actions are JSON requests only: a cross-site form cannot send one without the browser asking the
 * app first (CORS preflight), so a logged-in admin's browser cannot be made to act elsewhere.
 */
export function requireJson(request: RequestLike): void {
  const contentType = [request.headers['content-type']].flat()[0];
  if (!contentType || !/^application\/json\b/i.test(contentType)) throw new UnsupportedMediaTypeException(m.jsonRequired(contentType));
}

function uuidsOf(request: RequestLike, body: unknown): string[] {
  requireJson(request);
  const uuids = (body as { uuids?: unknown } | undefined)?.uuids;
  if (!Array.isArray(uuids) || uuids.length === 0 || uuids.length > MAX_UUIDS) throw new BadRequestException(m.badUuidList(MAX_UUIDS));
  for (const uuid of uuids) if (!isUuid(uuid)) throw new BadRequestException(m.notAJobUuid(uuid));
  return uuids.map((uuid: string) => uuid.toLowerCase());
}
