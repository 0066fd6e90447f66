/** The request properties the admin reads the actor's name from, in this order. */
export const ACTOR_PROPERTY = 'queueJobUser';

const ANONYMOUS = 'anonymous';

/**
 * Who is acting, for the `result` texts of manual actions ("Cancelled by alice"): what the guard
 * put on the request as `request.queueJobUser` (a string), else the `user` an auth guard such as
 * Passport sets (`user.name`, `user.username`, `user.email` or `user.id`, or `user` itself when it
 * is a string), else "anonymous".
 */
export function actorOf(request: unknown): string {
  const req = (request ?? {}) as Record<string, unknown>;
  const named = text(req[ACTOR_PROPERTY]);
  if (named) return named;
  const user = req.user;
  if (typeof user === 'string' || typeof user === 'number') return text(user) ?? ANONYMOUS;
  if (user && typeof user === 'object') {
    const u = user as Record<string, unknown>;
    return text(u.name) ?? text(u.username) ?? text(u.email) ?? text(u.id) ?? ANONYMOUS;
  }
  return ANONYMOUS;
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  // One line, bounded: the name goes into the job's result.
  const name = String(value).replace(/\s+/g, ' ').trim().slice(0, 100);
  return name === '' ? undefined : name;
}
