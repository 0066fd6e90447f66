/**
 * Characters of a job's `name` and `exc_name` the admin reads: a description and an exception class
 * are short, but a row may hold anything, and the job list sends them at every refresh.
 */
export const ADMIN_NAME_LIMIT = 1000;
