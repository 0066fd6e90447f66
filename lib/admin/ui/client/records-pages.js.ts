/** Browser code of the channels tree and the job functions list. */
export const RECORDS_PAGES_JS = String.raw`
function channelsPage() {
  var body = h('div', { id: 'channels' }, h('div', { class: 'empty', text: 'Loading\u2026' }));
  var last = '';
  var data = null;
  // The channel whose limits form is open: the table is not redrawn under it while it is.
  var editing = null;
  layout('channels', [h('div', { class: 'page-head' }, h('h1', null, 'Channels'),
    h('p', { class: 'sub', text: 'Capacity and options from the channels configuration, with the changes made at run time over it; counts of each channel with its sub-channels, live.' })), body]);

  function edit(name) {
    editing = name;
    if (name === null) last = '';
    return name === null ? load() : render();
  }

  function countLink(channel, states, n, cls) {
    if (!n) return h('span', { class: 'muted', text: '0' });
    return link('/?channel=' + encodeURIComponent(channel) + '&state=' + states, fmtNumber(n), { class: cls || null });
  }

  function load() {
    return get('/channels').then(function (answer) {
      markLive();
      var signature = JSON.stringify(answer);
      if (signature === last || editing !== null) return;
      last = signature;
      data = answer;
      render();
    });
  }

  function render() {
    var heads = ['Channel', 'Capacity', 'Options', 'Running', 'Pending', 'Waiting', 'Failed', 'Removal', 'Declared by'].concat(info.readOnly ? [] : ['']);
    replace(body, h('table', { class: 'grid tree', id: 'channels-table' },
      h('thead', null, h('tr', null, heads.map(function (t, i) {
        return h('th', { class: i >= 3 && i <= 7 ? 'num' : null }, t);
      }))),
      h('tbody', null, data.channels.map(function (c) {
        var name = c.name.split('.').pop();
        var options = [];
        if (c.sequential) options.push(h('span', { class: 'tag', text: 'sequential' }));
        if (c.throttle) options.push(h('span', { class: 'tag', text: 'throttle ' + c.throttle + ' s' }));
        if (c.rate) options.push(h('span', { class: 'tag', text: 'rate ' + c.rate.replace('/', ' per ') + ' s' }));
        if (c.rateLimitedUntil) options.push(h('span', { class: 'tag warn rate-limited', text: 'rate limited until ' + fmtDate(c.rateLimitedUntil) }));
        if (c.paused) options.push(pausedTag(c));
        if (c.maxPending !== null) {
          options.push(h('span', {
            class: 'tag max-pending' + (c.counts.pending >= c.maxPending ? ' warn' : ''),
            title: 'Pending jobs of this very channel / its maxPending: an enqueue past it throws QueueFullError',
            text: 'maxPending ' + fmtNumber(c.counts.pending) + ' / ' + fmtNumber(c.maxPending),
          }));
        }
        if (!c.configured) options.push(h('span', { class: 'tag muted', text: 'not configured' }));
        return [h('tr', { 'data-channel': c.name, class: c.totals.failed ? 'has-failed' : null },
          h('td', { class: 'tree-name depth-' + Math.min(c.depth, 6), title: c.name },
            h('span', { class: 'branch', 'aria-hidden': 'true', text: c.depth ? '\u2514 ' : '' }), h('strong', { text: name }), ' ', h('span', { class: 'muted mono', text: c.name })),
          capacityCell(c),
          h('td', null, options),
          h('td', { class: 'num' }, countLink(c.name, 'enqueued,started', c.totals.running)),
          h('td', { class: 'num' }, countLink(c.name, 'pending', c.totals.pending)),
          h('td', { class: 'num' }, countLink(c.name, 'wait_dependencies', c.totals.waiting)),
          h('td', { class: 'num' }, countLink(c.name, 'failed', c.totals.failed, 'failed-count')),
          h('td', { class: 'num', text: c.removalInterval === null ? '' : c.removalInterval + ' d' }),
          h('td', { class: 'muted', text: c.declaredBy.join(', ') }),
          channelActions(c, editing, edit)),
          editing === c.name ? limitsForm(c, heads.length, edit) : null];
      }))));
  }

  poll(load);
}

function functionsPage() {
  var body = h('div', { id: 'job-functions' }, h('div', { class: 'empty', text: 'Loading\u2026' }));
  layout('functions', [h('div', { class: 'page-head' }, h('h1', null, 'Job functions'),
    h('p', { class: 'sub', text: 'The @Delayable() methods of this app and the job function records.' })), body]);

  function relatedText(r) {
    if (!r) return h('span', { class: 'muted', text: 'open records' });
    if (r.enable === false) return h('span', { class: 'muted', text: 'disabled' });
    if (r.funcName) return h('code', { text: r.funcName + (r.kwargs ? ' ' + JSON.stringify(r.kwargs) : '') });
    return h('span', { class: 'muted', text: 'open records' });
  }

  get('/job-functions').then(function (data) {
    if (!data.jobFunctions.length) { replace(body, h('div', { class: 'empty', text: 'No job functions.' })); return; }
    replace(body, h('table', { class: 'grid', id: 'functions-table' },
      h('thead', null, h('tr', null, ['Name', 'Channel', 'Retry pattern', 'Related action', 'Declared by'].map(function (t) { return h('th', null, t); }))),
      h('tbody', null, data.jobFunctions.map(function (f) {
        return h('tr', { 'data-name': f.name },
          h('td', null, link('/?jobFunction=' + encodeURIComponent(f.name) + '&state=all', f.name, { class: 'mono' }),
            f.registered ? null : h('span', { class: 'tag muted', text: 'not in this app' })),
          h('td', { class: 'mono', text: f.channel }),
          h('td', null, retryPattern(f.retryPattern)),
          h('td', null, relatedText(f.relatedAction)),
          h('td', { class: 'muted', text: f.declaredBy.join(', ') }));
      }))));
  }).catch(fatal);
}
`;
