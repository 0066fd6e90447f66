import type { Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { QUEUE_JOB_DATA_SOURCE, QUEUE_JOB_RESOLVED_OPTIONS } from '../queue-job.constants.js';
import { noDataSource, notPostgres } from '../queue-job.messages.js';

/** The DataSource forRoot() asked for, as found (or not) among the app's TypeORM DataSources. */
interface DataSourceLookup {
  found: DataSource | undefined;
  /** The name given in the dataSource option, if any. */
  name: string | undefined;
}

const DATA_SOURCE_LOOKUP = Symbol('QUEUE_JOB_DATA_SOURCE_LOOKUP');

/**
 * Added by forRoot/forRootAsync, where the dataSource option is known: looks the DataSource up
 * without failing, so that a missing one is reported by {@link QUEUE_JOB_DATA_SOURCE_PROVIDER}.
 */
export function dataSourceLookup(dataSource: string | DataSource | undefined): Provider {
  return {
    provide: DATA_SOURCE_LOOKUP,
    useFactory: (found: DataSource | undefined): DataSourceLookup => ({ found, name: typeof dataSource === 'string' ? dataSource : undefined }),
    inject: [{ token: getDataSourceToken(dataSource), optional: true }],
  };
}

/**
 * The DataSource the module works on, checked at boot. It lives in the static module, so that every
 * provider's dependencies exist even without forRoot: the options are resolved first (they say
 * "import forRoot" when missing), then no DataSource or one that is not PostgreSQL stops the app
 * with what to do rather than Nest's generic DI message.
 */
export const QUEUE_JOB_DATA_SOURCE_PROVIDER: Provider = {
  provide: QUEUE_JOB_DATA_SOURCE,
  useFactory: (_options: unknown, lookup: DataSourceLookup | undefined) => {
    if (!lookup?.found) throw new Error(noDataSource(lookup?.name));
    if (lookup.found.options.type !== 'postgres') throw new Error(notPostgres(lookup.found.options.type));
    return lookup.found;
  },
  inject: [QUEUE_JOB_RESOLVED_OPTIONS, { token: DATA_SOURCE_LOOKUP, optional: true }],
};
