import { describe, expect, it } from '@jest/globals';
import { MIN_SERVER_VERSION_NUM, serverVersionProblem } from '../../../lib/store/server-version.js';

describe('serverVersionProblem', () => {
  it('refuses PostgreSQL 11 (no plan_cache_mode for the claim functions), naming the version found and the one needed', () => {
    expect(serverVersionProblem({ num: 110022, version: '11.22' }, MIN_SERVER_VERSION_NUM)).toBe(
      'QueueJobModule needs PostgreSQL 12 or later, but its DataSource\'s server is PostgreSQL 11.22 (server_version_num 110022): upgrade the server, or give the module a DataSource on a newer one.',
    );
  });

  it.each([[120000, '12.0'], [150020, '15.20'], [180004, '18.4']])('accepts %i (%s)', (num, version) => {
    expect(serverVersionProblem({ num, version }, MIN_SERVER_VERSION_NUM)).toBeNull();
  });
});
