import { describe, expect, it } from '@jest/globals';
import { crossSiteReason } from '../../../lib/admin/api/cross-site.js';

describe('crossSiteReason: whether a browser sent an action from another site', () => {
  it.each([
    ['a page of another site', { 'sec-fetch-site': 'cross-site', origin: 'http://evil.example', host: 'jobs.example' }],
    ['another port or subdomain of the host', { 'sec-fetch-site': 'same-site', host: 'jobs.example' }],
    ['an Origin of another host', { origin: 'http://evil.example', host: 'jobs.example' }],
    ['an Origin of another port', { origin: 'http://jobs.example:8080', host: 'jobs.example' }],
    ['an Origin of another scheme (its default port differs)', { origin: 'https://jobs.example', host: 'jobs.example:80' }],
    ['an opaque Origin (sandboxed frame)', { origin: 'null', host: 'jobs.example' }],
    ['an Origin without a Host to match', { origin: 'http://jobs.example' }],
  ])('refuses %s', (_, headers) => {
    expect(crossSiteReason(headers)).toMatch(/^Refused: this request comes from a page of another site \((Sec-Fetch-Site|Origin): /);
  });

  it.each([
    ['the same origin', { 'sec-fetch-site': 'same-origin', origin: 'http://jobs.example:3000', host: 'jobs.example:3000' }],
    ['an Origin with the default port written', { origin: 'http://jobs.example', host: 'jobs.example:80' }],
    ['a host in another case', { origin: 'http://JOBS.example', host: 'jobs.EXAMPLE' }],
    ['a proxy that forwards the host', { origin: 'https://jobs.example', host: '10.0.0.5:3000', 'x-forwarded-host': 'jobs.example, proxy.internal' }],
    ['a client that is not a browser (neither header)', { host: 'jobs.example' }],
  ])('accepts %s', (_, headers) => {
    expect(crossSiteReason(headers)).toBeNull();
  });
});
