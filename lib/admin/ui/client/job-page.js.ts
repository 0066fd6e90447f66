/**
 * Browser code of a job's page: every field, arguments, result, exception, action buttons, related
 * action, graph. The job is loaded once; then the page polls only its light state, and loads the
 * job again when that changes (a new state, retry or date), never every 2 seconds; a new progress
 * report only redraws the progress bar.
 */
export const JOB_PAGE_JS = String.raw`
function jobPage(uuid) {
  var shown = null;
  var shownState = null;
  var content = h('div', { id: 'job' }, h('div', { class: 'empty', text: 'Loading\u2026' }));
  var relatedPanel = h('section', { class: 'card related', id: 'related-panel', hidden: true });
  var path = '/jobs/' + encodeURIComponent(uuid);
  layout('jobs', [h('div', { class: 'crumbs' }, link('/', 'Jobs'), ' / ', h('span', { class: 'mono', text: uuid })), content, relatedPanel]);

  function load() {
    return get(path).then(function (detail) {
      shown = stateKey(detail.job);
      render(detail);
    }, function (error) {
      if (shown === null) replace(content, h('div', { class: 'empty error', id: 'job-error' }, h('h1', null, 'Error ' + (error.status || '')), h('p', { text: error.message })));
      throw error;
    });
  }

  function refresh() {
    var next = shown === null ? load() : get(path + '/state').then(function (state) {
      if (stateKey(state) !== shown) return load();
      showProgress(state);
    });
    return next.then(markLive);
  }

  function render(detail) {
    var job = detail.job;
    shownState = job.state;
    var large = detail.fields;
    var buttons = [
      ['requeue', detail.actions.requeue, 'primary'], ['set-done', detail.actions.setDone, 'primary'],
      ['cancel', detail.actions.cancel, 'danger'], ['related', detail.actions.related, 'ghost']
    ].map(function (b) {
      var why = b[0] === 'related' ? 'No related action for this job'
        : info.readOnly ? 'The admin is read-only' : ACTION_LABELS[b[0]] + ' applies to ' + ACTION_FROM[b[0]].join(', ') + ' jobs only';
      return h('button', { type: 'button', class: b[2], id: 'action-' + b[0], 'data-action': b[0], disabled: !b[1], title: b[1] ? null : why,
        onclick: function () { act(b[0]); } }, ACTION_LABELS[b[0]]);
    });
    var fn = detail.jobFunction;
    var fields = [
      ['UUID', h('span', { class: 'mono', text: job.uuid })],
      ['State', stateBadge(job.state)],
      ['Progress', h('span', { id: 'progress' })],
      ['Job function', h('span', null, h('span', { class: 'mono', text: job.jobFunction }),
        detail.noLiveWorker ? h('span', { class: 'no-worker', text: ' \u2014 no live worker runs this job function' }) : null)],
      ['Call', largeField(uuid, 'funcString', large.funcString, 'code', {}, false)],
      ['Channel', link('/?channel=' + encodeURIComponent(job.channel) + '&state=all', job.channel, { class: 'mono' })],
      ['Priority', job.priority],
      ['Retry', h('span', { id: 'retry', text: retryText(job) })],
      ['ETA', fmtDate(job.eta)],
      ['Identity key', job.identityKey ? h('span', { class: 'mono', text: job.identityKey }) : ''],
      ['Graph', job.graphUuid ? h('span', { class: 'mono', text: job.graphUuid }) : ''],
      ['Created', fmtDate(job.dateCreated)],
      ['Enqueued', fmtDate(job.dateEnqueued)],
      ['Started', fmtDate(job.dateStarted)],
      ['Done', fmtDate(job.dateDone)],
      ['Cancelled', fmtDate(job.dateCancelled)],
      ['Execution time', fmtSeconds(job.execTime)],
      ['Worker', job.workerId ? h('span', { class: 'mono', text: job.workerId }) : ''],
      ['Retry pattern', retryPattern(fn && fn.retryPattern)]
    ];
    replace(content, [
      h('div', { class: 'page-head job-head state-' + job.state },
        h('div', null, h('h1', { id: 'job-title', text: job.name }), h('p', { class: 'sub' }, stateBadge(job.state), ' ', h('span', { class: 'mono', text: job.uuid }))),
        h('div', { class: 'actions', id: 'actions' }, buttons)),
      job.excName || large.excMessage ? h('section', { class: 'card exception', id: 'exception' },
        h('h2', null, 'Exception'),
        h('p', { class: 'exc-line' }, h('strong', { text: job.excName || 'Error' }), ': ',
          large.excMessage ? largeField(uuid, 'excMessage', large.excMessage, 'span', {}, false) : ''),
        large.excInfo ? largeField(uuid, 'excInfo', large.excInfo, 'pre', { class: 'stack' }, false) : null) : null,
      h('div', { class: 'cols' },
        h('section', { class: 'card' }, h('h2', null, 'Fields'),
          h('dl', { class: 'fields' }, fields.map(function (f) { return [h('dt', null, f[0]), h('dd', null, f[1] === '' || f[1] === null ? h('span', { class: 'muted', text: '\u2014' }) : f[1])]; }))),
        h('div', null,
          h('section', { class: 'card' }, h('h2', null, 'Arguments'), largeField(uuid, 'args', large.args, 'pre', { class: 'json', id: 'args' }, true),
            large.records && large.records.text !== '[]' ? [h('h3', null, 'Records'), largeField(uuid, 'records', large.records, 'pre', { class: 'json', id: 'records' }, true)] : null),
          h('section', { class: 'card' }, h('h2', null, 'Result'),
            !large.result || large.result.text === 'null' ? h('p', { class: 'muted', text: 'No result yet.' })
              : largeField(uuid, 'result', large.result, 'pre', { class: 'json', id: 'result' }, true)))),
      detail.graph ? h('section', { class: 'card' }, h('h2', null, 'Dependencies', h('span', { class: 'sub', text: ' ' + detail.graph.nodes.length + ' job(s)' + (detail.graph.truncated ? ', first 500 shown' : '') })),
        drawGraph(detail.graph, job.uuid)) : null
    ]);
    showProgress(job);
  }

  function showProgress(job) {
    var field = document.getElementById('progress');
    if (field) replace(field, progressBar(job) || h('span', { class: 'muted', text: '\u2014' }));
  }

  function act(action) {
    if (action === 'related') return related();
    // Cancelling a running job stops its code: asked first (confirm-cancel.js.ts); other actions go at once.
    (action === 'cancel' ? confirmCancel([shownState]) : Promise.resolve(true)).then(function (confirmed) {
      if (!confirmed) return;
      return post(path + '/' + action).then(function (data) {
        toast(ACTION_DONE[action] + ' by ' + data.by, 'ok');
        return load();
      });
    }).catch(function (error) { toast(error.message, 'error'); });
  }

  function related() {
    get(path + '/related').then(function (view) {
      var action = view.action;
      if (action.type === 'url') { location.href = action.url; return; }
      relatedPanel.hidden = false;
      replace(relatedPanel, [h('h2', null, action.name || (view.records.length === 1 ? 'Related record' : 'Related records')),
        view.records.map(function (r) {
          return h('div', { class: 'record' }, h('h3', { class: 'mono', text: r.entity + ' ' + JSON.stringify(r.id) }),
            r.record ? h('pre', { class: 'json', text: json(r.record) }) : h('p', { class: 'muted', text: 'Not found (deleted, or not an entity of this app).' }));
        })]);
      relatedPanel.scrollIntoView({ behavior: 'smooth' });
    }).catch(function (error) { toast(error.message, 'error'); });
  }

  poll(refresh);
}

/** What the light state endpoint reports, to tell when the job changed. */
function stateKey(job) {
  return JSON.stringify([job.state, job.retry, job.maxRetries, job.eta, job.dateEnqueued, job.dateStarted, job.dateDone, job.dateCancelled,
    job.execTime, job.excName]);
}
`;
