import type { PoolClient } from 'pg';

/**
 * SQL literals for the two statements of a claim cycle that are sent as one simple query together
 * with BEGIN or COMMIT (the extended protocol, which carries parameters, allows one statement per
 * round trip). Strings go through pg's own escaping; ids and numbers are checked.
 */
export class SqlLiterals {
  constructor(private readonly client: PoolClient) {}

  text(value: string | null): string {
    return value === null ? 'NULL' : this.client.escapeLiteral(value);
  }

  textArray(values: readonly string[]): string {
    return `ARRAY[${values.map((v) => this.client.escapeLiteral(v)).join(',')}]::text[]`;
  }

  bigintArray(ids: readonly string[]): string {
    for (const id of ids) if (!/^\d{1,19}$/.test(id)) throw new Error(`Not a job id: ${JSON.stringify(id)}`);
    return `'{${ids.join(',')}}'::bigint[]`;
  }

  number(value: number): string {
    if (!Number.isFinite(value)) throw new Error(`Not a finite number: ${value}`);
    return String(value);
  }
}
