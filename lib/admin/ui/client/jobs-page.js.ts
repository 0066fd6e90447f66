/** Browser code of the jobs list: state chips with counts, search and filters, grouping, paging, selection and bulk actions. */
export const JOBS_PAGE_JS = String.raw`
var GROUPS = [['', 'No grouping'], ['channel', 'Channel'], ['jobFunction', 'Job function'], ['state', 'State'], ['exception', 'Exception']];
var GROUP_FILTER = { channel: 'channel', jobFunction: 'jobFunction', exception: 'q' };
var SORTABLE = { state: 'State', dateCreated: 'Created', channel: 'Channel', priority: 'Priority', retry: 'Retry' };

function jobsPage() {
  var params = new URLSearchParams(location.search);
  var st = {
    states: params.has('state') ? (params.get('state') === 'all' ? [] : params.get('state').split(',').filter(Boolean)) : info.defaultStates.slice(),
    q: params.get('q') || '', channel: params.get('channel') || '', jobFunction: params.get('jobFunction') || '',
    from: params.get('from') || '', to: params.get('to') || '', groupBy: params.get('groupBy') || '',
    page: Number(params.get('page')) || 1, pageSize: Number(params.get('pageSize')) || 50,
    sort: params.get('sort') || 'dateCreated', order: params.get('order') || 'desc'
  };
  var selected = new Map();
  var lastList = '';
  var lastCounts = null;

  var chips = h('div', { class: 'chips', role: 'group', 'aria-label': 'Filter by state' });
  var search = h('input', { type: 'search', id: 'search', placeholder: 'Search uuid, description, job function, channel, exception', value: st.q });
  var channelSel = h('select', { id: 'channel-filter', 'aria-label': 'Channel' }, h('option', { value: '' }, 'All channels'));
  var functionSel = h('select', { id: 'function-filter', 'aria-label': 'Job function' }, h('option', { value: '' }, 'All job functions'));
  var fromInput = h('input', { type: 'date', id: 'from', value: st.from, 'aria-label': 'Created from' });
  var toInput = h('input', { type: 'date', id: 'to', value: st.to, 'aria-label': 'Created until' });
  var groupSel = h('select', { id: 'group-by', 'aria-label': 'Group by' }, GROUPS.map(function (g) {
    return h('option', { value: g[0], selected: g[0] === st.groupBy }, g[1] === 'No grouping' ? g[1] : 'Group by ' + g[1].toLowerCase());
  }));
  var bulkBar = h('div', { class: 'bulkbar', id: 'bulkbar', hidden: true });
  var results = h('div', { class: 'results', id: 'results' });
  var pager = h('div', { class: 'pager', id: 'pager' });

  layout('jobs', [
    h('div', { class: 'page-head' }, h('h1', null, 'Jobs'), h('p', { class: 'sub', id: 'summary' })),
    chips,
    h('div', { class: 'filters' }, search, channelSel, functionSel,
      h('label', { class: 'range' }, 'from', fromInput), h('label', { class: 'range' }, 'to', toInput), groupSel,
      h('button', { type: 'button', class: 'ghost', id: 'reset', onclick: reset }, 'Reset')),
    bulkBar, results, pager
  ]);

  var searchTimer = null;
  search.addEventListener('input', function () { clearTimeout(searchTimer); searchTimer = setTimeout(function () { set({ q: search.value.trim() }); }, 300); });
  search.addEventListener('keydown', function (e) { if (e.key === 'Enter') { clearTimeout(searchTimer); set({ q: search.value.trim() }); } });
  channelSel.addEventListener('change', function () { set({ channel: channelSel.value }); });
  functionSel.addEventListener('change', function () { set({ jobFunction: functionSel.value }); });
  fromInput.addEventListener('change', function () { set({ from: fromInput.value }); });
  toInput.addEventListener('change', function () { set({ to: toInput.value }); });
  groupSel.addEventListener('change', function () { set({ groupBy: groupSel.value }); });

  get('/channels').then(function (data) { fillSelect(channelSel, data.channels.map(function (c) { return c.name; }), st.channel); });
  get('/job-functions').then(function (data) { fillSelect(functionSel, data.jobFunctions.map(function (f) { return f.name; }), st.jobFunction); });

  function fillSelect(select, values, current) {
    if (current && values.indexOf(current) < 0) values.push(current);
    values.forEach(function (v) { select.appendChild(h('option', { value: v, selected: v === current }, v)); });
  }

  function reset() {
    search.value = ''; channelSel.value = ''; functionSel.value = ''; fromInput.value = ''; toInput.value = ''; groupSel.value = '';
    set({ states: info.defaultStates.slice(), q: '', channel: '', jobFunction: '', from: '', to: '', groupBy: '', sort: 'dateCreated', order: 'desc' });
  }

  function set(changes) {
    Object.assign(st, changes);
    if (!('page' in changes)) st.page = 1;
    var url = query({
      state: sameStates(st.states, info.defaultStates) ? '' : (st.states.length ? st.states : 'all'),
      q: st.q, channel: st.channel, jobFunction: st.jobFunction, from: st.from, to: st.to, groupBy: st.groupBy,
      page: st.page > 1 ? st.page : '', pageSize: st.pageSize !== 50 ? st.pageSize : '',
      sort: st.sort !== 'dateCreated' ? st.sort : '', order: st.order !== 'desc' ? st.order : ''
    });
    history.replaceState(null, '', location.pathname + url);
    lastList = '';
    refresh();
  }

  function sameStates(a, b) { return a.length === b.length && a.every(function (x) { return b.indexOf(x) >= 0; }); }

  function localDay(value, next) {
    if (!value) return '';
    var p = value.split('-').map(Number);
    return new Date(p[0], p[1] - 1, p[2] + (next ? 1 : 0)).toISOString();
  }

  function filterParams(withStates) {
    return {
      state: withStates ? (st.states.length ? st.states : 'all') : '', q: st.q, channel: st.channel, jobFunction: st.jobFunction,
      from: localDay(st.from, false), to: localDay(st.to, true)
    };
  }

  function refresh() {
    var countsPromise = get('/jobs/counts' + query(filterParams(false))).then(renderChips);
    var listPromise = st.groupBy
      ? get('/jobs/groups' + query(Object.assign(filterParams(true), { by: st.groupBy }))).then(renderGroups)
      : get('/jobs' + query(Object.assign(filterParams(true), { page: st.page, pageSize: st.pageSize, sort: st.sort, order: st.order }))).then(renderList);
    return Promise.all([countsPromise, listPromise]).then(markLive, function (error) {
      replace(results, h('div', { class: 'empty error', id: 'list-error', text: error.message }));
      replace(pager, null);
      throw error;
    });
  }

  function renderChips(data) {
    lastCounts = data.states;
    replace(chips, info.states.map(function (state) {
      var on = st.states.indexOf(state) >= 0;
      return h('button', {
        type: 'button', class: 'chip state-' + state + (on ? ' on' : ''), 'aria-pressed': on ? 'true' : 'false', 'data-state': state,
        title: 'Click to show or hide ' + STATE_LABELS[state] + ' jobs; Alt+click to show only them',
        onclick: function (event) {
          if (event.altKey) return set({ states: [state] });
          var states = on ? st.states.filter(function (x) { return x !== state; }) : st.states.concat([state]);
          set({ states: states });
        }
      }, h('span', { class: 'dot' }), STATE_LABELS[state], h('span', { class: 'count', text: fmtCount(data.states[state]) }));
    }));
  }

  function renderGroups(data) {
    selected.clear();
    renderBulk();
    replace(pager, null);
    var max = data.groups.reduce(function (m, g) { return Math.max(m, g.count); }, 1);
    var label = GROUPS.filter(function (g) { return g[0] === data.by; })[0][1];
    document.getElementById('summary').textContent = data.groups.length + ' group(s) by ' + label.toLowerCase();
    if (!data.groups.length) { replace(results, h('div', { class: 'empty', text: 'No jobs match these filters.' })); return; }
    replace(results, h('table', { class: 'grid groups' },
      h('thead', null, h('tr', null, h('th', null, label), h('th', { class: 'num' }, 'Jobs'), h('th', { class: 'bar-col' }))),
      h('tbody', null, data.groups.map(function (g) {
        var key = g.key === null ? '(none)' : (data.by === 'state' ? STATE_LABELS[g.key] || g.key : g.key);
        return h('tr', { class: 'group-row', 'data-key': g.key === null ? '' : g.key, onclick: function () { openGroup(data.by, g.key); } },
          h('td', null, data.by === 'state' && g.key ? stateBadge(g.key) : h('a', { href: '#', onclick: function (e) { e.preventDefault(); } }, key)),
          h('td', { class: 'num', text: fmtNumber(g.count) }),
          h('td', { class: 'bar-col' }, h('span', { class: 'bar', style: null, 'data-w': Math.round(100 * g.count / max) })));
      }))));
    Array.prototype.forEach.call(results.querySelectorAll('.bar'), function (bar) { bar.style.width = bar.getAttribute('data-w') + '%'; });
  }

  function openGroup(by, key) {
    var changes = { groupBy: '' };
    if (by === 'state') changes.states = key ? [key] : [];
    else changes[GROUP_FILTER[by]] = key || '';
    groupSel.value = '';
    if (changes.channel !== undefined) channelSel.value = changes.channel;
    if (changes.jobFunction !== undefined) functionSel.value = changes.jobFunction;
    if (changes.q !== undefined) search.value = changes.q;
    set(changes);
  }

  function renderList(data) {
    var signature = JSON.stringify(data);
    if (signature === lastList) return;
    lastList = signature;
    var visible = new Map(data.jobs.map(function (j) { return [j.uuid, j.state]; }));
    Array.from(selected.keys()).forEach(function (uuid) { if (visible.has(uuid)) selected.set(uuid, visible.get(uuid)); else selected.delete(uuid); });
    var first = (data.page - 1) * data.pageSize;
    document.getElementById('summary').textContent = data.jobs.length
      ? 'Showing ' + fmtNumber(first + 1) + '\u2013' + fmtNumber(first + data.jobs.length) + ' of ' + fmtCount(data.total)
      : 'No jobs';
    if (!data.jobs.length) {
      replace(results, h('div', { class: 'empty', text: 'No jobs match these filters.' }));
    } else {
      replace(results, h('table', { class: 'grid jobs', id: 'jobs-table' }, tableHead(data.jobs), h('tbody', null, data.jobs.map(row))));
    }
    renderPager(data);
    renderBulk();
  }

  function tableHead(jobs) {
    var all = h('input', { type: 'checkbox', 'aria-label': 'Select all', id: 'select-all', checked: jobs.every(function (j) { return selected.has(j.uuid); }) });
    all.addEventListener('change', function () {
      jobs.forEach(function (j) { if (all.checked) selected.set(j.uuid, j.state); else selected.delete(j.uuid); });
      Array.prototype.forEach.call(results.querySelectorAll('tbody input[type=checkbox]'), function (box) { box.checked = all.checked; });
      renderBulk();
    });
    function th(key, label, cls) {
      if (!SORTABLE[key]) return h('th', { class: cls }, label);
      var active = st.sort === key;
      return h('th', { class: (cls || '') + ' sortable' + (active ? ' sorted' : ''), 'aria-sort': active ? (st.order === 'desc' ? 'descending' : 'ascending') : null },
        h('button', { type: 'button', onclick: function () { set({ sort: key, order: active && st.order === 'desc' ? 'asc' : 'desc' }); } },
          label, active ? (st.order === 'desc' ? ' \u25be' : ' \u25b4') : ''));
    }
    return h('thead', null, h('tr', null,
      info.readOnly ? null : h('th', { class: 'check' }, all),
      th('state', 'State'), th('dateCreated', 'Created'), th('', 'Description'), th('channel', 'Channel'),
      th('priority', 'Priority', 'num'), th('retry', 'Retry', 'num'), th('', 'Exception')));
  }

  function row(job) {
    var box = info.readOnly ? null : h('input', { type: 'checkbox', 'aria-label': 'Select job ' + job.uuid, checked: selected.has(job.uuid) });
    if (box) box.addEventListener('change', function () { if (box.checked) selected.set(job.uuid, job.state); else selected.delete(job.uuid); renderBulk(); });
    return h('tr', { class: 'job-row state-' + job.state, 'data-uuid': job.uuid, 'data-state': job.state },
      box ? h('td', { class: 'check' }, box) : null,
      h('td', null, stateBadge(job.state)),
      h('td', { class: 'date', title: job.eta ? 'eta ' + fmtDate(job.eta) : null, text: fmtDate(job.dateCreated) }),
      h('td', { class: 'desc' }, link(jobPath(job.uuid), job.name, { class: 'job-link' }), h('div', { class: 'fn', text: job.jobFunction }),
        job.noLiveWorker ? h('div', { class: 'no-worker', text: 'no live worker runs this job function' }) : null,
        job.state === 'started' || job.state === 'enqueued' ? progressBar(job) : null),
      h('td', { class: 'mono', text: job.channel }),
      h('td', { class: 'num', text: job.priority }),
      h('td', { class: 'num', text: retryText(job) }),
      h('td', { class: 'exc', title: job.excMessage || null }, job.excName ? h('strong', null, job.excName) : null, job.excMessage ? ' ' + job.excMessage : ''));
  }

  function renderPager(data) {
    var sizes = h('select', { 'aria-label': 'Page size', id: 'page-size' }, [25, 50, 100, 200].map(function (n) {
      return h('option', { value: n, selected: n === st.pageSize }, n + ' per page');
    }));
    sizes.addEventListener('change', function () { set({ pageSize: Number(sizes.value) }); });
    replace(pager, [
      h('button', { type: 'button', class: 'ghost', id: 'prev', disabled: data.page <= 1, onclick: function () { set({ page: st.page - 1 }); } }, '\u2039 Previous'),
      h('span', { class: 'page-no', text: 'Page ' + data.page }),
      h('button', { type: 'button', class: 'ghost', id: 'next', disabled: !data.hasMore, onclick: function () { set({ page: st.page + 1 }); } }, 'Next \u203a'),
      sizes
    ]);
  }

  function renderBulk() {
    if (selected.size === 0 || info.readOnly) { bulkBar.hidden = true; return; }
    var states = Array.from(selected.values());
    bulkBar.hidden = false;
    replace(bulkBar, [
      h('span', { class: 'n', text: selected.size + ' selected' }),
      ['requeue', 'set-done', 'cancel'].map(function (action) {
        var ok = states.every(function (state) { return ACTION_FROM[action].indexOf(state) >= 0; });
        return h('button', {
          type: 'button', class: action === 'cancel' ? 'danger' : 'primary', 'data-action': action, disabled: !ok,
          title: ok ? null : ACTION_LABELS[action] + ' applies to ' + ACTION_FROM[action].join(', ') + ' jobs only',
          onclick: function () { bulk(action); }
        }, ACTION_LABELS[action]);
      }),
      h('button', { type: 'button', class: 'ghost', onclick: function () { selected.clear(); lastList = ''; refresh(); } }, 'Clear selection')
    ]);
  }

  function bulk(action) {
    var uuids = Array.from(selected.keys());
    (action === 'cancel' ? confirmCancel(Array.from(selected.values())) : Promise.resolve(true)).then(function (confirmed) {
      if (!confirmed) return;
      return post('/jobs/' + action, { uuids: uuids }).then(function (data) {
        toast(ACTION_DONE[action] + ' ' + data.changed.length + ' job(s) (by ' + data.by + ')', 'ok');
        selected.clear();
        lastList = '';
        return refresh();
      });
    }).catch(function (error) { toast(error.message, 'error'); });
  }

  poll(refresh);
}
`;
