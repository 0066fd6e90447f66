/** Browser code of the channels tree's run-time settings: pause / resume buttons and the limits form. */
export const CHANNEL_SETTINGS_JS = String.raw`
function channelPath(name, action) { return '/channels/' + encodeURIComponent(name) + '/' + action; }

/** "by alice at 2026-12-03 16:40:00", or '' when nobody changed it. */
function changedBy(who, at) { return who ? 'by ' + who + (at ? ' at ' + fmtDate(at) : '') : ''; }

/** The capacity cell: the effective value, and the configured one when a run-time setting differs. */
function capacityCell(c) {
  var infinite = function (n) { return n === null ? '\u221e' : String(n); };
  var overridden = c.setting && (c.setting.capacity !== null || c.setting.throttle !== null || c.setting.sequential !== null);
  return h('td', { class: 'capacity', title: overridden ? 'Limits set at run time ' + changedBy(c.setting.limitsBy, c.setting.limitsAt) : null },
    infinite(c.capacity),
    overridden ? h('span', { class: 'muted configured-value', text: ' (configured ' + infinite(c.configuredLimits.capacity) + ')' }) : null,
    overridden ? h('div', { class: 'muted small limits-by', text: 'set ' + changedBy(c.setting.limitsBy, c.setting.limitsAt) }) : null);
}

/** The paused tag, saying who paused it when it was at run time. */
function pausedTag(c) {
  if (!c.paused) return null;
  var byWhom = c.setting && c.setting.paused ? changedBy(c.setting.pausedBy, c.setting.pausedAt) : 'in the configuration';
  return h('span', { class: 'tag warn paused-tag', title: 'Paused ' + byWhom, text: 'paused ' + byWhom });
}

/** Pause / Resume and Limits buttons of a channel (none in read-only mode). */
function channelActions(c, editing, onChange) {
  if (info.readOnly) return null;
  function run(action, label, body) {
    return post(channelPath(c.name, action), body || {}).then(function () {
      toast(label + ' ' + c.name + ' on every instance');
      onChange(null);
    }, function (error) { toast(error.message, 'error'); });
  }
  return h('td', { class: 'channel-actions' },
    c.paused
      ? h('button', { type: 'button', class: 'ghost', 'data-action': 'resume', onclick: function () { run('resume', 'Resumed'); } }, 'Resume')
      : h('button', { type: 'button', class: 'ghost', 'data-action': 'pause', onclick: function () { run('pause', 'Paused'); } }, 'Pause'),
    ' ',
    h('button', { type: 'button', class: 'ghost', 'data-action': 'limits', 'aria-expanded': editing === c.name ? 'true' : 'false',
      onclick: function () { onChange(editing === c.name ? null : c.name); } }, 'Limits\u2026'));
}

/** The form under a channel's row: capacity, throttle, sequential; save, or back to the configuration. */
function limitsForm(c, columns, onChange) {
  var capacity = h('input', { type: 'number', min: '0', step: '1', name: 'capacity', value: c.capacity === null ? 0 : c.capacity, 'aria-label': 'Capacity (0: unlimited)' });
  var throttle = h('input', { type: 'number', min: '0', step: 'any', name: 'throttle', value: c.throttle, 'aria-label': 'Throttle (seconds)' });
  var sequential = h('input', { type: 'checkbox', name: 'sequential', checked: c.sequential, 'aria-label': 'Sequential' });
  function save(event) {
    event.preventDefault();
    var limits = { capacity: Number(capacity.value), throttle: Number(throttle.value), sequential: sequential.checked };
    post(channelPath(c.name, 'limits'), limits).then(function () {
      toast('Limits of ' + c.name + ' changed on every instance');
      onChange(null);
    }, function (error) { toast(error.message, 'error'); });
  }
  function reset() {
    post(channelPath(c.name, 'reset-limits'), {}).then(function () {
      toast('Limits of ' + c.name + ' back to the configuration');
      onChange(null);
    }, function (error) { toast(error.message, 'error'); });
  }
  var configured = c.configuredLimits;
  return h('tr', { class: 'limits-row', 'data-limits-for': c.name },
    h('td', { colspan: String(columns) },
      h('form', { class: 'limits-form', onsubmit: save },
        h('label', null, 'Capacity ', capacity), ' ',
        h('label', null, 'Throttle (s) ', throttle), ' ',
        h('label', null, sequential, ' Sequential'), ' ',
        h('button', { type: 'submit', class: 'primary', 'data-action': 'save-limits' }, 'Save'), ' ',
        h('button', { type: 'button', class: 'ghost', 'data-action': 'reset-limits', onclick: reset }, 'Reset to configuration'), ' ',
        h('button', { type: 'button', class: 'ghost', onclick: function () { onChange(null); } }, 'Close'),
        h('p', { class: 'muted small', text: 'Configured here: capacity ' + (configured.capacity === null ? '\u221e' : configured.capacity)
          + (configured.throttle ? ', throttle ' + configured.throttle + ' s' : '') + (configured.sequential ? ', sequential' : '')
          + '. Changes apply to every instance within a second; 0 = unlimited.' }))));
}
`;
