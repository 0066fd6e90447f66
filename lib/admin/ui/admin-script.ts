import { CORE_JS } from './client/core.js.js';
import { CONFIRM_CANCEL_JS } from './client/confirm-cancel.js.js';
import { GRAPH_JS } from './client/graph.js.js';
import { JOB_PAGE_JS } from './client/job-page.js.js';
import { JOBS_PAGE_JS } from './client/jobs-page.js.js';
import { LARGE_FIELD_JS } from './client/large-field.js.js';
import { RECORDS_PAGES_JS } from './client/records-pages.js.js';
import { CHANNEL_SETTINGS_JS } from './client/channel-settings.js.js';

/** The admin's browser code (served as `<admin path>/assets/admin.js`): one IIFE, no dependencies, no build step. */
export const ADMIN_JS = `(function () {\n'use strict';\n${[CORE_JS, CONFIRM_CANCEL_JS, JOBS_PAGE_JS, JOB_PAGE_JS, LARGE_FIELD_JS, GRAPH_JS, CHANNEL_SETTINGS_JS, RECORDS_PAGES_JS].join('\n')}\nstart();\n})();\n`;
