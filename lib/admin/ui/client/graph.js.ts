/**
 * Browser code drawing a job graph as inline SVG: layered left to right (a node's column is its
 * longest path from a root), nodes coloured by state, the current job outlined, each node a link.
 */
export const GRAPH_JS = String.raw`
var NODE_W = 188, NODE_H = 50, GAP_X = 64, GAP_Y = 18, MARGIN = 16;

function graphLayers(graph) {
  var parents = new Map(graph.nodes.map(function (n) { return [n.uuid, []]; }));
  graph.edges.forEach(function (e) { parents.get(e.to).push(e.from); });
  var layer = new Map(graph.nodes.map(function (n) { return [n.uuid, 0]; }));
  // Longest path by relaxation; a cycle (never stored by the module) stops after n rounds.
  for (var round = 0, changed = true; changed && round < graph.nodes.length; round++) {
    changed = false;
    graph.edges.forEach(function (e) {
      if (layer.get(e.to) < layer.get(e.from) + 1) { layer.set(e.to, layer.get(e.from) + 1); changed = true; }
    });
  }
  var columns = [];
  graph.nodes.forEach(function (n, i) {
    var c = layer.get(n.uuid);
    (columns[c] = columns[c] || []).push({ node: n, order: i });
  });
  var row = new Map();
  columns.forEach(function (column) {
    // Barycentre of the parents' rows keeps edges short; creation order breaks ties.
    column.forEach(function (item) {
      var ps = parents.get(item.node.uuid).filter(function (p) { return row.has(p); });
      item.key = ps.length ? ps.reduce(function (sum, p) { return sum + row.get(p); }, 0) / ps.length : item.order;
    });
    column.sort(function (a, b) { return a.key - b.key || a.order - b.order; });
    column.forEach(function (item, i) { row.set(item.node.uuid, i); });
  });
  return { columns: columns, row: row, layer: layer };
}

function drawGraph(graph, currentUuid) {
  var layout = graphLayers(graph);
  var tallest = layout.columns.reduce(function (m, c) { return Math.max(m, c.length); }, 1);
  var width = MARGIN * 2 + layout.columns.length * NODE_W + (layout.columns.length - 1) * GAP_X;
  var height = MARGIN * 2 + tallest * NODE_H + (tallest - 1) * GAP_Y;
  var pos = new Map();
  layout.columns.forEach(function (column, c) {
    var offset = (tallest - column.length) * (NODE_H + GAP_Y) / 2;
    column.forEach(function (item, r) {
      pos.set(item.node.uuid, { x: MARGIN + c * (NODE_W + GAP_X), y: MARGIN + offset + r * (NODE_H + GAP_Y) });
    });
  });
  var defs = s('defs', null, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' },
    s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' })));
  var edges = graph.edges.map(function (e) {
    var a = pos.get(e.from), b = pos.get(e.to);
    var x1 = a.x + NODE_W, y1 = a.y + NODE_H / 2, x2 = b.x - 2, y2 = b.y + NODE_H / 2, mid = (x1 + x2) / 2;
    return s('path', { class: 'edge', d: 'M' + x1 + ' ' + y1 + ' C' + mid + ' ' + y1 + ' ' + mid + ' ' + y2 + ' ' + x2 + ' ' + y2, 'marker-end': 'url(#arrow)' });
  });
  var nodes = graph.nodes.map(function (n) {
    var p = pos.get(n.uuid);
    var label = n.methodName || n.jobFunction;
    var title = n.name + '\n' + n.jobFunction + '\n' + (STATE_LABELS[n.state] || n.state) + '\n' + n.uuid;
    var g = s('g', {
      class: 'node state-' + n.state + (n.uuid === currentUuid ? ' current' : ''), transform: 'translate(' + p.x + ',' + p.y + ')',
      tabindex: '0', role: 'link', 'data-uuid': n.uuid, 'data-state': n.state, 'aria-label': label + ', ' + (STATE_LABELS[n.state] || n.state)
    },
      s('title', { text: title }),
      s('rect', { width: NODE_W, height: NODE_H, rx: '9' }),
      s('text', { x: '12', y: '21', class: 'node-label', text: truncate(label, 24) }),
      s('text', { x: '12', y: '38', class: 'node-state', text: (STATE_LABELS[n.state] || n.state) + ' \u00b7 ' + n.uuid.slice(0, 8) }));
    var open = function () { if (n.uuid !== currentUuid) location.href = BASE + jobPath(n.uuid); };
    g.addEventListener('click', open);
    g.addEventListener('keydown', function (e) { if (e.key === 'Enter') open(); });
    return g;
  });
  var svg = s('svg', { class: 'graph', id: 'graph', width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': 'Job dependency graph' },
    defs, s('g', { class: 'edges' }, edges), s('g', { class: 'nodes' }, nodes));
  return h('div', { class: 'graph-wrap' }, svg, legend(graph));
}

function legend(graph) {
  var seen = {};
  graph.nodes.forEach(function (n) { seen[n.state] = (seen[n.state] || 0) + 1; });
  return h('div', { class: 'legend' }, Object.keys(STATE_LABELS).filter(function (k) { return seen[k]; }).map(function (k) {
    return h('span', { class: 'legend-item' }, stateBadge(k), ' ' + seen[k]);
  }));
}

function truncate(text, n) { return text.length > n ? text.slice(0, n - 1) + '\u2026' : text; }
`;
