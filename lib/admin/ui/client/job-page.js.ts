/** Browser code of a job's page: every field, arguments, result, exception, action buttons, related action, graph. */
export const JOB_PAGE_JS = String.raw`
function jobPage(uuid) {
  var last = '';
  var content = h('div', { id: 'job' }, h('div', { class: 'empty', text: 'Loading\u2026' }));
  var relatedPanel = h('section', { class: 'card related', id: 'related-panel', hidden: true });
  layout('jobs', [h('div', { class: 'crumbs' }, link('/', 'Jobs'), ' / ', h('span', { class: 'mono', text: uuid })), content, relatedPanel]);

  function load() {
    return get('/jobs/' + encodeURIComponent(uuid)).then(function (detail) {
      markLive();
      var signature = JSON.stringify(detail);
      if (signature !== last) { last = signature; render(detail); }
    }, function (error) {
      if (!last) replace(content, h('div', { class: 'empty error', id: 'job-error' }, h('h1', null, 'Error ' + (error.status || '')), h('p', { text: error.message })));
      throw error;
    });
  }

  function render(detail) {
    var job = detail.job;
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
      ['Job function', h('span', null, h('span', { class: 'mono', text: job.jobFunction }),
        detail.noLiveWorker ? h('span', { class: 'no-worker', text: ' \u2014 no live worker runs this job function' }) : null)],
      ['Call', h('code', { text: job.funcString })],
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
      job.excName || job.excMessage ? h('section', { class: 'card exception', id: 'exception' },
        h('h2', null, 'Exception'),
        h('p', { class: 'exc-line' }, h('strong', { text: job.excName || 'Error' }), ': ', job.excMessage || ''),
        job.excInfo ? h('pre', { class: 'stack', text: job.excInfo }) : null) : null,
      h('div', { class: 'cols' },
        h('section', { class: 'card' }, h('h2', null, 'Fields'),
          h('dl', { class: 'fields' }, fields.map(function (f) { return [h('dt', null, f[0]), h('dd', null, f[1] === '' || f[1] === null ? h('span', { class: 'muted', text: '\u2014' }) : f[1])]; }))),
        h('div', null,
          h('section', { class: 'card' }, h('h2', null, 'Arguments'), h('pre', { class: 'json', id: 'args', text: json(job.args) }),
            job.records && job.records.length ? [h('h3', null, 'Records'), h('pre', { class: 'json', text: json(job.records) })] : null),
          h('section', { class: 'card' }, h('h2', null, 'Result'),
            job.result === null || job.result === undefined ? h('p', { class: 'muted', text: 'No result yet.' }) : h('pre', { class: 'json', id: 'result', text: json(job.result) })))),
      detail.graph ? h('section', { class: 'card' }, h('h2', null, 'Dependencies', h('span', { class: 'sub', text: ' ' + detail.graph.nodes.length + ' job(s)' + (detail.graph.truncated ? ', first 500 shown' : '') })),
        drawGraph(detail.graph, job.uuid)) : null
    ]);
  }

  function act(action) {
    if (action === 'related') return related();
    post('/jobs/' + encodeURIComponent(uuid) + '/' + action).then(function (data) {
      toast(ACTION_DONE[action] + ' by ' + data.by, 'ok');
      return load();
    }).catch(function (error) { toast(error.message, 'error'); });
  }

  function related() {
    get('/jobs/' + encodeURIComponent(uuid) + '/related').then(function (view) {
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

  poll(load);
}
`;
