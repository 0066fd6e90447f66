/**
 * Browser code of the confirmation asked before cancelling running jobs: their code is told to stop
 * and whatever it does next is lost, which no button undoes. A modal `<dialog>`; Escape keeps them.
 */
export const CONFIRM_CANCEL_JS = String.raw`
var RUNNING_STATES = ['enqueued', 'started'];

/** Resolves true at once when none of these states is running; otherwise when the user confirms in the dialog. */
function confirmCancel(states) {
  var running = states.filter(function (state) { return RUNNING_STATES.indexOf(state) >= 0; }).length;
  if (running === 0) return Promise.resolve(true);
  return new Promise(function (resolve) {
    var dialog = h('dialog', { id: 'confirm-dialog', class: 'confirm', 'aria-labelledby': 'confirm-title' });
    function answer(yes) { dialog.close(); dialog.remove(); resolve(yes); }
    append(dialog, [
      h('h2', { id: 'confirm-title', text: running === 1 ? 'Cancel a running job?' : 'Cancel ' + running + ' running jobs?' }),
      h('p', { text: 'The job ends cancelled now and its slot is free. Its code is told to stop (currentJob().signal is aborted); ' +
        'whatever it returns or writes afterwards is ignored. This cannot be undone.' }),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'ghost', id: 'confirm-no', onclick: function () { answer(false); } }, 'Keep running'),
        h('button', { type: 'button', class: 'danger', id: 'confirm-yes', onclick: function () { answer(true); } }, 'Cancel the job' + (running === 1 ? '' : 's')))
    ]);
    dialog.addEventListener('cancel', function (event) { event.preventDefault(); answer(false); });
    document.body.appendChild(dialog);
    dialog.showModal();
  });
}
`;
