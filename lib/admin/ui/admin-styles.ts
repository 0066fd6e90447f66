/** The admin's stylesheet (served as `<admin path>/assets/admin.css`). */
export const ADMIN_CSS = String.raw`
:root {
  --bg: #f6f7f9; --card: #fff; --ink: #1d2330; --muted: #6b7385; --line: #e3e6ec; --accent: #3b5bdb; --accent-ink: #fff;
  --wait: #7048e8; --pending: #1c7ed6; --enqueued: #0c8599; --started: #e8590c; --done: #2f9e44; --cancelled: #868e96; --failed: #e03131;
  --failed-bg: #fff1f1; --radius: 8px;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
h1 { font-size: 22px; margin: 0; font-weight: 650; }
h2 { font-size: 15px; margin: 0 0 10px; font-weight: 650; }
h3 { font-size: 13px; margin: 12px 0 6px; color: var(--muted); font-weight: 600; }
code, .mono, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.muted { color: var(--muted); }
.sub { color: var(--muted); margin: 4px 0 0; font-weight: 400; font-size: 13px; }

.topbar { display: flex; align-items: center; gap: 24px; padding: 0 24px; height: 52px; background: #1d2330; color: #fff; position: sticky; top: 0; z-index: 5; }
.brand { color: #fff; font-weight: 700; display: flex; align-items: center; gap: 8px; font-size: 15px; }
.brand:hover { text-decoration: none; }
.logo { width: 18px; height: 18px; border-radius: 5px; background: linear-gradient(135deg, #748ffc, #3b5bdb 60%, #2f9e44); display: inline-block; }
.topbar nav { display: flex; gap: 4px; }
.topbar nav a { color: #c5cad6; padding: 6px 12px; border-radius: 6px; }
.topbar nav a:hover { background: #2c3445; color: #fff; text-decoration: none; }
.topbar nav a.active { background: #343d52; color: #fff; }
.who { margin-left: auto; display: flex; align-items: center; gap: 12px; color: #c5cad6; font-size: 13px; }
.user { color: #fff; font-weight: 600; }
.pill { background: #f59f00; color: #1d2330; border-radius: 10px; padding: 1px 8px; font-size: 12px; font-weight: 600; }
.live { font-size: 12px; display: inline-flex; align-items: center; gap: 6px; }
.live::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: #51cf66; box-shadow: 0 0 0 3px rgba(81, 207, 102, .25); }
.live.stale::before { background: #f59f00; box-shadow: none; }

main { padding: 20px 24px 48px; max-width: 1440px; margin: 0 auto; }
.page-head { display: flex; justify-content: space-between; align-items: flex-end; gap: 16px; margin-bottom: 14px; }
.crumbs { margin-bottom: 10px; color: var(--muted); font-size: 13px; }

.chips { display: flex; flex-wrap: wrap; gap: 8px; margin-bottom: 12px; }
.chip { display: inline-flex; align-items: center; gap: 7px; border: 1px solid var(--line); background: var(--card); color: var(--ink);
  border-radius: 18px; padding: 5px 12px; cursor: pointer; font: inherit; }
.chip:hover { border-color: #c3c9d5; }
.chip .dot { width: 8px; height: 8px; border-radius: 50%; background: currentColor; opacity: .35; }
.chip .count { color: var(--muted); font-variant-numeric: tabular-nums; font-weight: 600; }
.chip.on { border-color: var(--c, var(--accent)); box-shadow: inset 0 0 0 1px var(--c, var(--accent)); background: color-mix(in srgb, var(--c) 9%, #fff); }
.chip:not(.on) { color: var(--muted); }
.chip.on .dot { background: var(--c); opacity: 1; }
.chip.state-failed .count { color: var(--failed); }

.filters { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 12px; }
input, select, button { font: inherit; }
input[type=search], input[type=date], select { border: 1px solid var(--line); border-radius: 6px; padding: 6px 9px; background: #fff; color: var(--ink); }
input[type=search] { min-width: 240px; flex: 1; }
.range { display: inline-flex; align-items: center; gap: 6px; color: var(--muted); font-size: 13px; }
button { border-radius: 6px; padding: 6px 13px; border: 1px solid transparent; cursor: pointer; font-weight: 550; }
button:disabled { opacity: .45; cursor: not-allowed; }
button.primary { background: var(--accent); color: var(--accent-ink); }
button.danger { background: #fff; color: var(--failed); border-color: #f3b2b2; }
button.ghost { background: #fff; color: var(--ink); border-color: var(--line); }
button.primary:not(:disabled):hover { background: #364fc7; }
button.danger:not(:disabled):hover { background: var(--failed-bg); }
dialog.confirm { max-width: 460px; border: 1px solid #f3b2b2; border-radius: 10px; padding: 20px 24px; }
dialog.confirm::backdrop { background: rgba(29, 35, 48, .35); }
dialog.confirm h2 { margin: 0 0 8px; font-size: 17px; } dialog.confirm p { margin: 0 0 16px; color: var(--muted); }
dialog.confirm .actions { display: flex; gap: 8px; justify-content: flex-end; }

.bulkbar { display: flex; align-items: center; gap: 8px; padding: 8px 12px; margin-bottom: 10px; background: #edf2ff; border: 1px solid #bac8ff; border-radius: var(--radius); }
.bulkbar .n { font-weight: 650; margin-right: 8px; }
.bulkbar[hidden] { display: none; }

.grid { width: 100%; border-collapse: separate; border-spacing: 0; background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); overflow: hidden; }
.grid th { text-align: left; font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em;
  padding: 9px 10px; border-bottom: 1px solid var(--line); background: #fafbfc; white-space: nowrap; }
.grid th.sortable button { background: none; border: 0; padding: 0; color: inherit; font: inherit; text-transform: inherit; letter-spacing: inherit; }
.grid th.sorted { color: var(--ink); }
.grid td { padding: 8px 10px; border-bottom: 1px solid #eef0f3; vertical-align: top; }
.grid tbody tr:last-child td { border-bottom: 0; }
.grid tbody tr:hover td { background: #f8f9fc; }
.grid .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.grid .check { width: 34px; }
.grid .date { white-space: nowrap; font-variant-numeric: tabular-nums; color: #3d4556; }
.grid .desc { min-width: 220px; overflow-wrap: anywhere; }
.grid .fn { color: var(--muted); font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.no-worker { color: var(--failed); font-size: 12px; }
.progress { display: flex; align-items: center; gap: 6px; font-size: 12px; color: var(--muted); max-width: 420px; }
.progress progress { flex: none; width: 120px; height: 8px; accent-color: var(--started); }
.progress-pct { flex: none; font-variant-numeric: tabular-nums; color: var(--ink); }
.progress-msg { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.grid .exc { color: #a61e1e; max-width: 360px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-size: 13px; }
.job-row.state-failed td { background: var(--failed-bg); }
.job-row.state-failed td:first-child { box-shadow: inset 3px 0 0 var(--failed); }
.job-row.state-failed:hover td { background: #ffe6e6; }
.job-row.state-done td, .job-row.state-cancelled td { color: #98a0ae; }
.job-row.state-done .job-link, .job-row.state-cancelled .job-link { color: #7d8ab8; }
.job-row.state-done .badge, .job-row.state-cancelled .badge { opacity: .7; }
.groups .group-row { cursor: pointer; }
.bar-col { width: 40%; }
.bar { display: block; height: 8px; border-radius: 4px; background: #91a7ff; min-width: 2px; }

.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; background: var(--c); white-space: nowrap; }
.state-wait_dependencies { --c: var(--wait); } .state-pending { --c: var(--pending); } .state-enqueued { --c: var(--enqueued); }
.state-started { --c: var(--started); } .state-done { --c: var(--done); } .state-cancelled { --c: var(--cancelled); } .state-failed { --c: var(--failed); }
.tag { display: inline-block; padding: 0 7px; margin: 0 4px 2px 0; border-radius: 4px; background: #eef1f6; font-size: 12px; color: #3d4556; }
.tag.warn { background: #fff3bf; color: #8a5a00; }
.tag.muted { background: transparent; border: 1px dashed var(--line); color: var(--muted); }

.pager { display: flex; align-items: center; gap: 10px; margin-top: 12px; color: var(--muted); }
.pager select { margin-left: auto; }
.empty { background: var(--card); border: 1px dashed var(--line); border-radius: var(--radius); padding: 32px; text-align: center; color: var(--muted); }
.empty.error { color: var(--failed); border-color: #f3b2b2; }

.card { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); padding: 16px 18px; margin-bottom: 16px; }
.cols { display: grid; grid-template-columns: minmax(340px, 5fr) 7fr; gap: 16px; align-items: start; }
.cols > div > .card:last-child { margin-bottom: 0; }
@media (max-width: 960px) { .cols { grid-template-columns: 1fr; } }
.fields { display: grid; grid-template-columns: 130px 1fr; gap: 7px 12px; margin: 0; }
.fields dt { color: var(--muted); font-size: 13px; }
.fields dd { margin: 0; word-break: break-all; }
.json { background: #f7f8fa; border: 1px solid #eceef2; border-radius: 6px; padding: 10px 12px; margin: 0; max-height: 420px; overflow: auto; white-space: pre-wrap; word-break: break-word; }
.cut { margin: 6px 0 0; color: var(--muted); font-size: 13px; } .cut button { margin-left: 6px; padding: 2px 10px; }
.job-head .actions { display: flex; gap: 8px; flex-wrap: wrap; }
.job-head h1 { word-break: break-word; }
.exception { border-color: #f3b2b2; background: var(--failed-bg); }
.exception h2 { color: var(--failed); }
.exc-line { margin: 0 0 10px; color: #7d1b1b; overflow-wrap: anywhere; max-height: 10em; overflow: auto; }
.fields dd code { display: block; max-height: 10em; overflow: auto; }
.stack { background: #2b1d1d; color: #ffd8d8; border-radius: 6px; padding: 12px 14px; margin: 0; max-height: 360px; overflow: auto; white-space: pre; }
.related .record + .record { margin-top: 12px; }

.graph-wrap { overflow: auto; border: 1px solid #eceef2; border-radius: 6px; background: #fbfcfd; }
.graph { display: block; }
.graph .edge { fill: none; stroke: #aab2c0; stroke-width: 1.5; }
.graph .arrow { fill: #aab2c0; }
.graph .node { cursor: pointer; }
.graph .node rect { fill: #fff; stroke: var(--c); stroke-width: 1.5; }
.graph .node:hover rect, .graph .node:focus rect { fill: #f3f5ff; }
.graph .node.current rect { stroke-width: 3.5; fill: #f7f8ff; }
.graph .node.current { cursor: default; }
.graph .node-label { font-size: 13px; font-weight: 650; fill: var(--ink); }
.graph .node-state { font-size: 11.5px; fill: var(--c); font-weight: 600; }
.graph .node rect { filter: drop-shadow(0 1px 1px rgba(0, 0, 0, .06)); }
.legend { display: flex; gap: 14px; padding: 8px 12px; border-top: 1px solid #eceef2; font-size: 12px; color: var(--muted); }

.tree-name { white-space: nowrap; }
.tree-name.depth-1 { padding-left: 28px; } .tree-name.depth-2 { padding-left: 48px; } .tree-name.depth-3 { padding-left: 68px; }
.tree-name.depth-4 { padding-left: 88px; } .tree-name.depth-5, .tree-name.depth-6 { padding-left: 108px; }
.branch { color: #b7bfcc; }
.capacity { font-weight: 650; font-variant-numeric: tabular-nums; }
.failed-count { color: var(--failed); font-weight: 650; }

.toasts { position: fixed; right: 20px; bottom: 20px; display: flex; flex-direction: column; gap: 8px; z-index: 10; }
.toast { background: #1d2330; color: #fff; padding: 10px 14px; border-radius: 8px; box-shadow: 0 6px 18px rgba(0, 0, 0, .18); max-width: 440px; transition: opacity .5s; }
.toast.ok { background: #2b8a3e; } .toast.error { background: #c92a2a; } .toast.gone { opacity: 0; }
.error-page { max-width: 640px; margin: 80px auto; }
.small { font-size: 12px; }
.channel-actions { white-space: nowrap; } .channel-actions button { padding: 2px 10px; }
.limits-form { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 12px; padding: 6px 0; }
.limits-form input[type=number] { width: 6em; } .limits-form p { flex-basis: 100%; margin: 0; }
`;
