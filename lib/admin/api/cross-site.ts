import { crossSiteRefusal } from '../admin.messages.js';

type Headers = Record<string, string | string[] | undefined>;

/** What a browser's fetch metadata says when the admin's own page sends a request (`none`: typed or bookmarked by the user). */
const OWN_SITE = ['same-origin', 'none'];

/**
 * Why a request that changes jobs comes from another web site, or null when it does not: a
 * signed-in admin's browser must not act for a page elsewhere (CSRF). Browsers say where a request
 * comes from in `Sec-Fetch-Site` (anything but same-origin is refused: `same-site` includes
 * another port of the same host) and in `Origin` (refused unless its host is the request's `Host`
 * or `X-Forwarded-Host`, which a page cannot set on another site's request without CORS). Clients
 * that are not browsers send neither and pass: the guard decides for them.
 */
export function crossSiteReason(headers: Headers): string | null {
  const site = first(headers['sec-fetch-site'])?.toLowerCase();
  if (site !== undefined && !OWN_SITE.includes(site)) return crossSiteRefusal(`Sec-Fetch-Site: ${site}`);
  const origin = first(headers.origin);
  if (origin === undefined) return null;
  const hosts = [first(headers.host), first(headers['x-forwarded-host'])?.split(',')[0]];
  return hosts.some((host) => sameHost(origin, host)) ? null : crossSiteRefusal(`Origin: ${origin}`);
}

/** Compared as URLs, so `http://a:80` is host `a` (an opaque `null` origin matches nothing). */
function sameHost(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    const from = new URL(origin);
    return from.host === new URL(`${from.protocol}//${host.trim()}`).host;
  } catch {
    return false;
  }
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
