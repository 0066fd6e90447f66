import { createHash } from 'node:crypto';
import { ADMIN_CSS } from './admin-styles.js';
import { ADMIN_JS } from './admin-script.js';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Changes with the assets, so browsers never keep an old script after an upgrade. */
export const ASSETS_VERSION = createHash('sha256').update(ADMIN_CSS).update(ADMIN_JS).digest('hex').slice(0, 12);

/** Same-origin assets only: no inline script, no CDN. */
export const ADMIN_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** The page every admin URL serves; `base` is the admin's URL path as the browser sees it (global prefix included). */
export function adminPageHtml(base: string): string {
  const b = escape(base);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Job Queue</title>
<link rel="stylesheet" href="${b}/assets/admin.css?v=${ASSETS_VERSION}">
<script src="${b}/assets/admin.js?v=${ASSETS_VERSION}" defer></script>
</head>
<body>
<div id="app"><noscript>The Job Queue admin needs JavaScript.</noscript></div>
</body>
</html>
`;
}

/** CSP of the error page: it carries its few styles inline (the assets are behind the guard too). */
export const ADMIN_ERROR_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

/** An error as a page (the API answers JSON): the guard's 401/403 shown to a person. */
export function adminErrorHtml(status: number, message: string): string {
  const title = status === 403 ? 'Access refused' : status === 401 ? 'Sign-in needed' : status === 404 ? 'Not found' : 'Error';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${status} ${escape(title)} · Job Queue</title>
<style>
body { margin: 0; background: #f6f7f9; color: #1d2330; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
main { max-width: 620px; margin: 12vh auto; padding: 28px 32px; background: #fff; border: 1px solid #f3b2b2; border-radius: 10px; }
h1 { margin: 0 0 8px; font-size: 22px; color: #c92a2a; } p { margin: 0; color: #495057; } small { color: #868e96; }
</style></head>
<body><main id="error-page"><h1>${status} · ${escape(title)}</h1><p>${escape(message)}</p><p><small>Job Queue admin</small></p></main></body>
</html>
`;
}

/** The admin's URL path as the browser sees it: the app's global prefix, then the mount path (`/api` + `/queue-job`). */
export function adminBasePath(globalPrefix: string, mountPath: string): string {
  const prefix = globalPrefix.replace(/^\/+|\/+$/g, '');
  return (prefix ? `/${prefix}` : '') + mountPath;
}
