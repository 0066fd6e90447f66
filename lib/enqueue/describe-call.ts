import { className, isIdentifier, isPlainObject, type EntityInspector, type JsonValue } from './argument-serializer.js';

/** Longest `func_string`: enough to recognise a call in the admin list, small enough to index. */
export const MAX_CALL_LENGTH = 500;

export interface DescribeValueOptions {
  /** Shows entities as `Order#5` instead of their fields. */
  inspector?: EntityInspector;
  /** Output longer than this is cut and ends with `…`. */
  maxLength?: number;
}

/** A readable call for the `func_string` column, e.g. `OrderService.confirm(Order#5, "x")`. */
export function describeCall(
  serviceName: string,
  methodName: string,
  args: readonly unknown[],
  inspector?: EntityInspector,
): string {
  const budget = MAX_CALL_LENGTH;
  const list = describeList(args, { inspector, budget, ancestors: new Set() });
  return truncate(`${serviceName}.${methodName}(${list})`, MAX_CALL_LENGTH);
}

/** One value as `describeCall` shows it; also used to quote bad values in error messages. Never throws. */
export function describeValue(value: unknown, options: DescribeValueOptions = {}): string {
  const maxLength = options.maxLength ?? 100;
  return truncate(describe(value, { inspector: options.inspector, budget: maxLength, ancestors: new Set() }), maxLength);
}

interface Context {
  inspector: EntityInspector | undefined;
  // Containers stop adding items past this many characters, so a huge argument costs little.
  budget: number;
  ancestors: Set<object>;
}

function describe(value: unknown, ctx: Context): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > ctx.budget ? value.slice(0, ctx.budget) : value);
    case 'bigint':
      return `${value}n`;
    case 'function':
      return `[Function ${value.name || 'anonymous'}]`;
    case 'symbol':
      return value.toString();
    case 'object':
      return value === null ? 'null' : describeObject(value, ctx);
    default:
      return String(value); // number, boolean, undefined
  }
}

function describeObject(value: object, ctx: Context): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (ctx.ancestors.has(value)) return '[Circular]';
  if (Array.isArray(value)) return `[${nested(value, ctx, () => describeList(value, ctx))}]`;
  const ref = ctx.inspector?.identify(value) ?? null;
  if (ref !== null) return `${ref.entity}#${describeId(ref.id)}`;
  if (!isPlainObject(value)) return `${className(value) || 'Object'} {…}`;
  const body = nested(value, ctx, () => describeList(Object.entries(value), ctx, ([key, item]) => `${describeKey(key)}: ${describe(item, ctx)}`));
  return body === '' ? '{}' : `{${body}}`;
}

function describeList<T>(items: readonly T[], ctx: Context, show: (item: T) => string = (item) => describe(item, ctx)): string {
  let out = '';
  for (const item of items) {
    if (out.length > ctx.budget) return `${out}, …`;
    out += (out === '' ? '' : ', ') + show(item);
  }
  return out;
}

function nested(value: object, ctx: Context, run: () => string): string {
  ctx.ancestors.add(value);
  try {
    return run();
  } finally {
    ctx.ancestors.delete(value);
  }
}

// `Order#5`, `Order#abc`: ids read better unquoted; composite ids show their columns.
function describeId(id: JsonValue): string {
  if (typeof id === 'object' && id !== null) return describeValue(id);
  return String(id);
}

function describeKey(key: string): string {
  return isIdentifier(key) ? key : JSON.stringify(key);
}

function truncate(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}
