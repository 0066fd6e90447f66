import { BadRequestException } from '@nestjs/common';
import { JOB_STATES, JobState } from '../../store/job-state.js';
import type { AdminJobFilter } from '../../store/sql/admin-job-filter.sql.js';
import { ADMIN_JOB_GROUPS, type AdminJobGroup } from '../../store/sql/admin-group-jobs.sql.js';
import { ADMIN_JOB_SORTS, type AdminJobSort } from '../../store/sql/admin-list-jobs.sql.js';
import { normalizeChannelName } from '../../channels/channel-name.js';
import * as m from '../admin.messages.js';

/** Query string values as Nest hands them over (repeated keys become arrays). */
export type RawQuery = Record<string, unknown>;

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;
const MAX_SEARCH = 200;

/** Without a `state` parameter the list shows every job but the finished ones (as Odoo's default filter). */
export const DEFAULT_STATES: readonly JobState[] = JOB_STATES.filter((s) => s !== JobState.Done && s !== JobState.Cancelled);

const FILTER_PARAMS = ['state', 'channel', 'jobFunction', 'q', 'from', 'to'] as const;
const LIST_PARAMS = [...FILTER_PARAMS, 'page', 'pageSize', 'sort', 'order'] as const;
const GROUP_PARAMS = [...FILTER_PARAMS, 'by'] as const;
const CHANNEL = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export interface JobsListQuery {
  filter: AdminJobFilter;
  page: number;
  pageSize: number;
  sort: AdminJobSort;
  descending: boolean;
}

/** `GET api/jobs`: filters, paging (`page` from 1, `pageSize` up to 200) and sorting (default newest first). */
export function parseJobsListQuery(query: RawQuery): JobsListQuery {
  const values = readParams(query, LIST_PARAMS);
  const pageSize = wholeNumber('pageSize', values.pageSize, 1) ?? DEFAULT_PAGE_SIZE;
  if (pageSize > MAX_PAGE_SIZE) throw new BadRequestException(m.pageSizeOverLimit(pageSize, MAX_PAGE_SIZE));
  const sort = choice('sort', values.sort, Object.keys(ADMIN_JOB_SORTS)) as AdminJobSort | undefined;
  const order = choice('order', values.order, ['asc', 'desc']);
  return {
    filter: parseFilter(values),
    page: wholeNumber('page', values.page, 1) ?? 1,
    pageSize,
    sort: sort ?? 'dateCreated',
    descending: (order ?? 'desc') === 'desc',
  };
}

/** `GET api/jobs/counts`: the list's filters; counts are per state, so `state` is accepted and ignored. */
export function parseCountsQuery(query: RawQuery): AdminJobFilter {
  return { ...parseFilter(readParams(query, FILTER_PARAMS)), states: undefined };
}

/** `GET api/jobs/groups?by=channel|jobFunction|state|exception` with the list's filters. */
export function parseGroupsQuery(query: RawQuery): { filter: AdminJobFilter; by: AdminJobGroup } {
  const values = readParams(query, GROUP_PARAMS);
  const by = choice('by', values.by, Object.keys(ADMIN_JOB_GROUPS)) as AdminJobGroup | undefined;
  if (!by) throw new BadRequestException(m.missingParameter('by', Object.keys(ADMIN_JOB_GROUPS)));
  return { filter: parseFilter(values), by };
}

type Values = Partial<Record<string, string | string[]>>;

/** Refuses unknown parameters (a typo would silently show the wrong jobs) and repeats except for `state`. */
function readParams(query: RawQuery, allowed: readonly string[]): Values {
  const values: Values = {};
  for (const [name, raw] of Object.entries(query ?? {})) {
    if (!allowed.includes(name)) throw new BadRequestException(m.unknownParameter(name, allowed));
    const list = (Array.isArray(raw) ? raw : [raw]).map((v) => (typeof v === 'string' ? v.trim() : v));
    if (list.some((v) => typeof v !== 'string')) throw new BadRequestException(m.unknownParameter(`${name}[...]`, allowed));
    const strings = (list as string[]).filter((v) => v !== '');
    if (strings.length === 0) continue; // `?channel=`: not given
    if (name === 'state') values.state = strings;
    else if (strings.length > 1) throw new BadRequestException(m.repeatedParameter(name));
    else values[name] = strings[0];
  }
  return values;
}

function parseFilter(values: Values): AdminJobFilter {
  const filter: AdminJobFilter = { states: parseStates(values.state as string[] | undefined) };
  const channel = values.channel as string | undefined;
  if (channel !== undefined) {
    if (!CHANNEL.test(channel)) throw new BadRequestException(m.badChannel(channel));
    filter.channel = normalizeChannelName(channel);
  }
  const jobFunction = values.jobFunction as string | undefined;
  if (jobFunction !== undefined) filter.jobFunction = limited('jobFunction', jobFunction);
  const search = values.q as string | undefined;
  if (search !== undefined) filter.search = limited('q', search);
  const from = date('from', values.from as string | undefined, false);
  const to = date('to', values.to as string | undefined, true);
  if (from && to && from.getTime() >= to.getTime()) throw new BadRequestException(m.reversedDates(String(values.from), String(values.to)));
  if (from) filter.from = from;
  if (to) filter.to = to;
  return filter;
}

function parseStates(raw: string[] | undefined): JobState[] | undefined {
  if (raw === undefined) return [...DEFAULT_STATES];
  const names = raw.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  if (names.includes('all')) return undefined;
  for (const name of names) {
    if (!(JOB_STATES as readonly string[]).includes(name)) throw new BadRequestException(m.unknownState(name, JOB_STATES));
  }
  return [...new Set(names)] as JobState[];
}

function limited(name: string, value: string): string {
  if (value.length > MAX_SEARCH) throw new BadRequestException(m.tooLong(name, value.length, MAX_SEARCH));
  return value;
}

function wholeNumber(name: string, value: string | string[] | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^\d{1,9}$/.test(text) || Number(text) < min) throw new BadRequestException(m.notAWholeNumber(name, text, min));
  return Number(text);
}

function choice(name: string, value: string | string[] | undefined, allowed: readonly string[]): string | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(String(value))) throw new BadRequestException(m.unknownChoice(name, String(value), allowed));
  return String(value);
}

/**
 * ISO 8601 date or date-time; a date alone is a UTC day, and as `to` it includes that whole day
 * (`to` is exclusive otherwise). Calendar-checked: 2025-02-30 is refused.
 */
function date(name: string, value: string | string[] | undefined, endOfDay: boolean): Date | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const match = ISO_DATE.exec(text);
  const parsed = match ? new Date(match[4] ? (match[7] ? text : `${text}Z`) : `${text}T00:00:00Z`) : null;
  if (!match || !parsed || Number.isNaN(parsed.getTime())) throw new BadRequestException(m.badDate(name, text));
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) throw new BadRequestException(m.badDate(name, text));
  if (!match[4] && endOfDay) parsed.setUTCDate(parsed.getUTCDate() + 1);
  return parsed;
}
