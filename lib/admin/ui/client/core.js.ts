/**
 * Browser code of the admin, shared by every page: DOM building (text only, never HTML from data),
 * the REST client, formatting, polling, layout and routing. Plain ES2020, no template literals
 * (this is a String.raw literal), run inside one IIFE with the page modules.
 */
export const CORE_JS = String.raw`
var SCRIPT_URL = document.currentScript ? document.currentScript.src : location.href;
var BASE = SCRIPT_URL.replace(/\/assets\/admin\.js(\?.*)?$/, '');
var BASE_PATH = new URL(BASE).pathname.replace(/\/$/, '');
var API = BASE + '/api';
var STATE_LABELS = {
  wait_dependencies: 'Wait Dependencies', pending: 'Pending', enqueued: 'Enqueued', started: 'Started',
  done: 'Done', cancelled: 'Cancelled', failed: 'Failed'
};
var ACTION_LABELS = { requeue: 'Requeue', 'set-done': 'Set done', cancel: 'Cancel', related: 'Related' };
var ACTION_DONE = { requeue: 'Requeued', 'set-done': 'Set to done', cancel: 'Cancelled' };
var ACTION_FROM = {
  requeue: ['failed'],
  'set-done': ['wait_dependencies', 'pending', 'enqueued', 'failed'],
  cancel: ['wait_dependencies', 'pending', 'enqueued', 'started', 'failed']
};
var POLL_MS = 2000;
var info = { user: '', readOnly: true, states: Object.keys(STATE_LABELS), defaultStates: [] };
var timers = [];

function h(tag, attrs) {
  var el = document.createElement(tag);
  setAttrs(el, attrs);
  for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
  return el;
}

function s(tag, attrs) {
  var el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  setAttrs(el, attrs);
  for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
  return el;
}

function setAttrs(el, attrs) {
  if (!attrs) return;
  Object.keys(attrs).forEach(function (key) {
    var value = attrs[key];
    if (value === null || value === undefined || value === false) return;
    if (key.slice(0, 2) === 'on') el.addEventListener(key.slice(2), value);
    else if (key === 'text') el.textContent = String(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  });
}

function append(el, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) { child.forEach(function (c) { append(el, c); }); return; }
  el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
}

function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }

function replace(el, content) { clear(el); append(el, content); return el; }

function errorOf(response, body) {
  var message = body && body.message ? (Array.isArray(body.message) ? body.message.join('; ') : body.message) : response.statusText;
  var error = new Error(message || ('HTTP ' + response.status));
  error.status = response.status;
  return error;
}

/** The body of an API answer as text; an error answer (JSON with its message) is thrown. */
function send(method, path, body) {
  var options = { method: method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (method !== 'GET') { options.headers['Content-Type'] = 'application/json'; options.body = JSON.stringify(body || {}); }
  return fetch(API + path, options).then(function (response) {
    return response.text().then(function (text) {
      if (!response.ok) throw errorOf(response, parsed(text));
      return text;
    });
  });
}

function parsed(text) {
  try { return text ? JSON.parse(text) : null; } catch (e) { return { message: text }; }
}

function request(method, path, body) { return send(method, path, body).then(parsed); }

function get(path) { return request('GET', path); }
function getText(path) { return send('GET', path); }
function post(path, body) { return request('POST', path, body); }

function query(params) {
  var parts = [];
  Object.keys(params).forEach(function (key) {
    var value = params[key];
    if (value === undefined || value === null || value === '') return;
    parts.push(encodeURIComponent(key) + '=' + encodeURIComponent(Array.isArray(value) ? value.join(',') : value));
  });
  return parts.length ? '?' + parts.join('&') : '';
}

function pad(n) { return n < 10 ? '0' + n : String(n); }

function fmtDate(value) {
  if (!value) return '';
  var d = new Date(value);
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' +
    pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
}

function fmtNumber(n) { return Number(n).toLocaleString('en-US'); }

function fmtCount(c) {
  if (!c) return '';
  if (c.exact) return fmtNumber(c.count);
  if (c.atLeast) return 'more than ' + fmtNumber(c.count - 1);
  var n = c.count;
  var short = n >= 1e6 ? (n / 1e6).toFixed(1) + 'M' : n >= 1e3 ? Math.round(n / 1e3) + 'k' : String(n);
  return '\u2248 ' + short;
}

function fmtSeconds(value) {
  if (value === null || value === undefined) return '';
  return value < 1 ? Math.round(value * 1000) + ' ms' : value.toFixed(2) + ' s';
}

/** The bar of what a job last reported with currentJob().progress() (0 to 1), its percentage and message; null when it reported nothing. */
function progressBar(job) {
  if (job.progress === null || job.progress === undefined) return null;
  // Floored (99.9 % is not done), past float noise (0.29 * 100 is 28.999…).
  var percent = Math.floor(job.progress * 100 + 1e-6) + ' %';
  return h('div', { class: 'progress', title: job.progressMessage ? percent + ': ' + job.progressMessage : percent },
    h('progress', { max: 1, value: job.progress, 'aria-label': 'Progress ' + percent }),
    h('span', { class: 'progress-pct', text: percent }),
    job.progressMessage ? h('span', { class: 'progress-msg', text: job.progressMessage }) : null);
}

function retryText(job) { return job.retry + ' / ' + (job.maxRetries === 0 ? '\u221e' : job.maxRetries); }

/** { 1: 60, 3: [120, 300] } -> tags "from 1: 60 s", "from 3: 120–300 s" (the delay of retry n is the value of the largest key <= n). */
function retryPattern(p) {
  if (!p) return h('span', { class: 'muted', text: 'default: 10 min' });
  return Object.keys(p).sort(function (a, b) { return a - b; }).map(function (k) {
    var v = p[k];
    return h('span', { class: 'tag', text: 'from ' + k + ': ' + (Array.isArray(v) ? v[0] + '\u2013' + v[1] : v) + ' s' });
  });
}

function stateBadge(state) { return h('span', { class: 'badge state-' + state, 'data-state': state, text: STATE_LABELS[state] || state }); }

function json(value) { return JSON.stringify(value, null, 2); }

function link(path, text, attrs) {
  var a = h('a', Object.assign({ href: BASE + path }, attrs || {}), text);
  return a;
}

function jobPath(uuid) { return '/jobs/' + uuid; }

function toast(message, kind) {
  var area = document.getElementById('toasts');
  var el = h('div', { class: 'toast ' + (kind || 'info'), role: 'status', text: message });
  area.appendChild(el);
  setTimeout(function () { el.classList.add('gone'); }, kind === 'error' ? 8000 : 3500);
  setTimeout(function () { el.remove(); }, kind === 'error' ? 8600 : 4100);
}

/** Runs fn now and every POLL_MS while the tab is visible; a slow answer never overlaps the next. */
function poll(fn) {
  var busy = false;
  function tick() {
    if (busy || document.hidden) return;
    busy = true;
    Promise.resolve().then(fn).catch(function (e) { showLiveError(e); }).then(function () { busy = false; });
  }
  tick();
  timers.push(setInterval(tick, POLL_MS));
}

function showLiveError(error) {
  var live = document.getElementById('live');
  if (live) { live.classList.add('stale'); live.title = 'Refresh failed: ' + error.message; }
}

function markLive() {
  var live = document.getElementById('live');
  if (live) { live.classList.remove('stale'); live.title = 'Refreshed ' + fmtDate(new Date()); }
}

function layout(active, content) {
  var nav = [['jobs', 'Jobs', ''], ['channels', 'Channels', '/channels'], ['functions', 'Job functions', '/job-functions']];
  var header = h('header', { class: 'topbar' },
    h('a', { class: 'brand', href: BASE + '/' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'Job Queue'),
    h('nav', null, nav.map(function (n) {
      return h('a', { href: BASE + (n[2] || '/'), class: n[0] === active ? 'active' : null }, n[1]);
    })),
    h('div', { class: 'who' },
      h('span', { id: 'live', class: 'live', title: 'Live' }, 'live'),
      info.readOnly ? h('span', { class: 'pill', text: 'read-only' }) : null,
      h('span', { class: 'user', text: info.user })));
  replace(document.getElementById('app'), [header, h('main', null, content), h('div', { id: 'toasts', class: 'toasts' })]);
}

function fatal(error) {
  layout('', h('div', { class: 'empty error' }, h('h1', null, error.status ? 'Error ' + error.status : 'Error'), h('p', { text: error.message })));
}

function route() {
  var path = location.pathname.replace(/\/$/, '');
  var rest = path.slice(BASE_PATH.length).replace(/^\//, '');
  var parts = rest ? rest.split('/') : [];
  if (parts.length === 0) return jobsPage();
  if (parts[0] === 'jobs' && parts[1]) return jobPage(decodeURIComponent(parts[1]));
  if (parts[0] === 'channels') return channelsPage();
  if (parts[0] === 'job-functions') return functionsPage();
  fatal(new Error('No page here.'));
}

function start() {
  get('/info').then(function (data) { info = data; route(); }).catch(fatal);
}
`;
