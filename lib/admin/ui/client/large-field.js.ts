/**
 * Browser code of a job's large fields (arguments, result, stack…): the detail sends the first
 * 64 KB of each; a cut one says so, with a "Show all" button that fetches the whole field once.
 */
export const LARGE_FIELD_JS = String.raw`
var PRETTY_MAX_CHARS = 65536;
var PRETTY_MAX_DEPTH = 64;

/**
 * JSON text indented for reading when it is small and shallow, else as it is: indenting a value
 * nested 10,000 levels deep would turn 20 KB into 100 MB, and JSON.stringify would overflow the stack.
 */
function readableJson(text) {
  if (text.length > PRETTY_MAX_CHARS || jsonDepth(text) > PRETTY_MAX_DEPTH) return text;
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
}

/** The deepest nesting of brackets outside strings. */
function jsonDepth(text) {
  var depth = 0, max = 0, inString = false;
  for (var i = 0; i < text.length; i++) {
    var c = text.charAt(i);
    if (inString) { if (c === '\\') i++; else if (c === '"') inString = false; }
    else if (c === '"') inString = true;
    else if (c === '[' || c === '{') { depth++; if (depth > max) max = depth; }
    else if (c === ']' || c === '}') depth--;
  }
  return max;
}

function fmtChars(n) {
  return n >= 1048576 ? (n / 1048576).toFixed(1) + ' M characters' : n >= 1024 ? Math.round(n / 1024) + ' K characters' : n + ' characters';
}

/** A large field of job uuid in an element (tag and attrs), JSON made readable when isJson; a note and "Show all" when it is cut. */
function largeField(uuid, name, field, tag, attrs, isJson) {
  var readable = function (text) { return isJson ? readableJson(text) : text; };
  var el = h(tag, Object.assign({ text: readable(field.text) + (field.truncated ? '\u2026' : '') }, attrs));
  if (!field.truncated) return el;
  var button = h('button', { type: 'button', class: 'ghost', 'data-show-all': name, onclick: showAll }, 'Show all');
  var note = h('p', { class: 'cut', 'data-cut': name }, 'First ' + fmtChars(field.text.length) + ' of ' + fmtChars(field.length) + ' shown. ', button);
  function showAll() {
    button.disabled = true;
    button.textContent = 'Loading\u2026';
    getText('/jobs/' + encodeURIComponent(uuid) + '/fields/' + name).then(function (text) {
      el.textContent = readable(text);
      note.remove();
    }, function (error) {
      button.disabled = false;
      button.textContent = 'Show all';
      toast(error.message, 'error');
    });
  }
  return [el, note];
}
`;
