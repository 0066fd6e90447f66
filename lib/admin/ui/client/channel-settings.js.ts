/** Browser code of the channels tree's run-time settings: pause / resume buttons and the limits form. */
export const CHANNEL_SETTINGS_JS = String.raw`
function channelPath(name, action) { return '/channels/' + encodeURIComponent(name) + '/' + action; }

/** "by alice at 2026-12-03 16:40:00", or '' when nobody changed it. */
function changedBy(who, at) { return who ? 'by ' + who + (at ? ' at ' + fmtDate(at) : '') : ''; }

/** The capacity cell: the effective value, and the configured one when a run-time setting differs. */
function capacityCell(c) {
  var infinite = function (n) { return n === null ? '\u221e' : String(n); };
  var overridden = c.setting && (c.setting.capacity !== null || c.setting.throttle !== null || c.setting.sequential !== null || c.setting.rate !== null);
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
  var rate = h('input', { type: 'text', name: 'rate', value: c.rate || 'none', size: '8', 'aria-label': 'Rate (N/S or none)' });
  function save(event) {
    event.preventDefault();
    // Only what changed is sent: an unchanged value stays the configuration's, and follows it.
    var limits = {};
    if (Number(capacity.value) !== (c.capacity === null ? 0 : c.capacity)) limits.capacity = Number(capacity.value);
    if (Number(throttle.value) !== c.throttle) limits.throttle = Number(throttle.value);
    if (sequential.checked !== c.sequential) limits.sequential = sequential.checked;
    if (rate.value.trim() !== (c.rate || 'none')) limits.rate = rate.value.trim();
    if (Object.keys(limits).length === 0) { onChange(null); return; }
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
        h('label', null, 'Rate ', rate), ' ',
        h('button', { type: 'submit', class: 'primary', 'data-action': 'save-limits' }, 'Save'), ' ',
        h('button', { type: 'button', class: 'ghost', 'data-action': 'reset-limits', onclick: reset }, 'Reset to configuration'), ' ',
        h('button', { type: 'button', class: 'ghost', onclick: function () { onChange(null); } }, 'Close'),
        h('p', { class: 'muted small', text: 'Configured here: capacity ' + (configured.capacity === null ? '\u221e' : configured.capacity)
          + (configured.throttle ? ', throttle ' + configured.throttle + ' s' : '') + (configured.sequential ? ', sequential' : '')
          + (configured.rate ? ', rate ' + configured.rate : '')
          + '. Changes apply to every instance within a second; capacity 0 = unlimited; rate N/S = at most N starts per S seconds, or none.' }))));
}
`;
