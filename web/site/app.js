// The mulm playground: a terminal for CHAT.COM on the emulated Z80 of the
// WebAssembly module (mulm/web/wasm, which defines the global "mulm"),
// paced by requestAnimationFrame at 4 MHz, with infer's reply beside each
// of the Z80's.
'use strict';

const $ = (id) => document.getElementById(id);
const HZ = 4e6;
const MAX_LINES = 1000;

// state is read by the browser tests (mulm/web's chromedp tests).
const state = {
  loadStart: 0, readyAt: 0, ready: false,
  model: null, waiting: false, turbo: false, replies: [], busy: 0, err: '',
};
window.mulmState = state;
state.screen = () => term.lines.join('\n');
state.clock = { frames: 0, ms: 0, tstates: 0 };

// ---- the terminal: lines of text, a cursor, CR LF BS as a teletype ----
const term = { lines: [''], row: 0, col: 0, dirty: true };

function termWrite(s) {
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c === 13) { term.col = 0; continue; }
    if (c === 10) {
      term.row++;
      if (term.row === term.lines.length) term.lines.push('');
      if (term.lines.length > MAX_LINES) { term.lines.shift(); term.row--; }
      continue;
    }
    if (c === 8) { if (term.col > 0) term.col--; continue; }
    if (c < 32 || c > 126) continue;
    let line = term.lines[term.row];
    if (line.length < term.col) line += ' '.repeat(term.col - line.length);
    term.lines[term.row] = line.slice(0, term.col) + ch + line.slice(term.col + 1);
    term.col++;
  }
  term.dirty = true;
}

function termClear() {
  term.lines = [''];
  term.row = 0;
  term.col = 0;
  term.dirty = true;
}

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function render() {
  if (!term.dirty) return;
  term.dirty = false;
  const before = term.lines.slice(0, term.row);
  const line = term.lines[term.row];
  const under = term.col < line.length ? line[term.col] : ' ';
  const html = esc(before.concat([line.slice(0, term.col)]).join('\n')) +
    '<span class="cursor">' + esc(under) + '</span>' + esc(line.slice(term.col + 1)) +
    esc(term.lines.slice(term.row + 1).map((l) => '\n' + l).join(''));
  $('screen').innerHTML = html;
  const t = $('term');
  t.scrollTop = t.scrollHeight;
}

// ---- keys: what a CP/M console would send ----
function send(s) {
  if (!state.model) return;
  if (s.includes('\r') && !state.enterAt) state.enterAt = performance.now();
  mulm.type(s);
}

function keyOf(e) {
  if (e.isComposing || e.altKey || e.metaKey) return null;
  switch (e.key) {
    case 'Enter': return '\r';
    case 'Backspace': return '\b';
    case 'Tab': return '\t';
    case 'Delete': return '\x7f';
  }
  if (e.key.length !== 1) return null;
  const c = e.key.charCodeAt(0);
  if (e.ctrlKey) {
    if (e.key === 'v' || e.key === 'V') return null; // paste
    const u = e.key.toUpperCase().charCodeAt(0);
    return u >= 64 && u < 96 ? String.fromCharCode(u - 64) : null;
  }
  return c >= 32 && c < 127 ? e.key : null;
}

$('term').addEventListener('keydown', (e) => {
  const s = keyOf(e);
  if (s !== null) {
    e.preventDefault();
    send(s);
  }
});
$('term').addEventListener('paste', (e) => {
  e.preventDefault();
  send(e.clipboardData.getData('text').replace(/\r?\n/g, '\r'));
});
$('term').addEventListener('click', () => $('term').focus());
$('lineform').addEventListener('submit', (e) => {
  e.preventDefault();
  send($('line').value + '\r');
  $('line').value = '';
});

// ---- the Spectrum screen: the model's .TAP on a ZX Spectrum 48K ----
const ZX_HZ = 3.5e6;
const zx = { on: false, img: null, u8: null };

function spectrumMode(on) {
  zx.on = on;
  state.spectrum = on;
  $('spectrum-label').hidden = !on && !mulm.hasSpectrum();
  $('spectrum-toggle').checked = on;
  $('term').hidden = on;
  $('zx').hidden = !on;
  $(on ? 'zx' : 'term').focus();
}

// startSpectrum runs tape (a dropped .TAP), or the model's .TAP when tape
// is null, on the Spectrum.
async function startSpectrum(tape) {
  const r = await fetch('opense.rom');
  if (!r.ok) {
    status('this server has no Spectrum ROM (Debian\'s opense-basic package): the Spectrum screen is off');
    spectrumMode(false);
    return;
  }
  const err = mulm.spectrum(new Uint8Array(await r.arrayBuffer()), tape || null);
  if (err) {
    status(err);
    spectrumMode(false);
    return;
  }
  status('');
  const g = $('zx').getContext('2d');
  zx.img = g.createImageData(320, 240);
  zx.u8 = new Uint8Array(zx.img.data.buffer);
  spectrumMode(true);
}

$('spectrum-toggle').addEventListener('change', () => {
  if ($('spectrum-toggle').checked) startSpectrum(null);
  else spectrumMode(false);
});

$('zx').addEventListener('keydown', (e) => {
  const s = keyOf(e);
  if (s !== null && !e.ctrlKey) {
    e.preventDefault();
    mulm.zxType(s);
  }
});

function zxTick(dt) {
  const f = JSON.parse(mulm.zxFrame(dt, state.turbo));
  if (f.tstates) {
    mulm.zxPixels(zx.u8);
    $('zx').getContext('2d').putImageData(zx.img, 0, 0);
    $('readout').textContent = `Spectrum: ${fmt(f.total)} T-states = ${(f.total / ZX_HZ).toFixed(2)} s at 3.5 MHz` +
      (state.turbo ? ' (turbo)' : '');
  }
  if (f.err && !state.zxErr) {
    state.zxErr = f.err;
    status(f.err);
  }
}

// ---- models ----
const uploads = new Map(); // file name -> bytes

function status(msg) {
  $('status').textContent = msg || '';
}

function load(name, bytes) {
  const info = JSON.parse(mulm.load(name, bytes || null, $('engine').value));
  if (info.err) {
    status(info.err);
    return false;
  }
  status('');
  if (zx.on) spectrumMode(false);
  state.model = info;
  state.replies = [];
  state.waiting = false;
  state.busy = 0;
  state.err = '';
  termClear();
  $('replies').tBodies[0].replaceChildren();
  $('inside-chars').replaceChildren();
  $('inside-step').replaceChildren();
  $('intro').textContent = info.intro || '';
  $('info').textContent = `${info.name}: ${info.engine} engine, CHAT.COM ${info.comSize.toLocaleString('en')} bytes, ` +
    `layers ${info.sizes.join('→')} (${info.reason})`;
  for (const b of $('downloads').querySelectorAll('button')) b.disabled = false;
  $('term').focus();
  return true;
}

function currentSource() {
  const v = $('model').value;
  return v.startsWith('file:') ? [v.slice(5), uploads.get(v.slice(5))] : [v, null];
}

$('model').addEventListener('change', () => load(...currentSource()));
$('engine').addEventListener('change', () => load(...currentSource()));
$('turbo').addEventListener('change', () => { state.turbo = $('turbo').checked; $('term').focus(); });
$('theme').addEventListener('change', () => { document.body.className = $('theme').value; });
$('inside-toggle').addEventListener('change', () => {
  $('inside').hidden = !$('inside-toggle').checked;
  const sel = document.querySelector('#replies tr.sel');
  if (sel) showInside(state.replies[+sel.dataset.index]);
});

async function loadFile(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (/\.tap$/i.test(file.name)) {
    startSpectrum(bytes);
    return;
  }
  uploads.set(file.name, bytes);
  if (!load(file.name, bytes)) return;
  let opt = [...$('model').options].find((o) => o.value === 'file:' + file.name);
  if (!opt) {
    opt = new Option('file: ' + file.name, 'file:' + file.name);
    $('model').add(opt);
  }
  $('model').value = opt.value;
}

$('file').addEventListener('change', () => { if ($('file').files[0]) loadFile($('file').files[0]); });
document.addEventListener('dragover', (e) => { e.preventDefault(); $('drop').classList.add('over'); });
document.addEventListener('dragleave', () => $('drop').classList.remove('over'));
document.addEventListener('drop', (e) => {
  e.preventDefault();
  $('drop').classList.remove('over');
  if (e.dataTransfer.files[0]) loadFile(e.dataTransfer.files[0]);
});

// fileName turns a model name into an 8.3 file name with the platform's
// extension (".COM").
function fileName(name, ext) {
  const base = name.replace(/\.[^.]*$/, '').toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 8);
  return (base || 'CHAT') + ext;
}

// One download button per platform of the registry (z80ref.Platforms).
function addDownloads() {
  for (const p of JSON.parse(mulm.platforms())) {
    const b = document.createElement('button');
    b.type = 'button';
    b.id = 'download-' + p.name;
    b.disabled = true;
    b.textContent = 'Download ' + p.ext;
    b.title = 'the model built as a ' + p.title;
    b.addEventListener('click', () => {
      const f = mulm.file(p.name);
      if (typeof f === 'string') {
        status(f);
        return;
      }
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([f], { type: 'application/octet-stream' }));
      a.download = fileName(state.model.name, p.ext);
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    });
    $('downloads').append(b);
  }
}

// ---- replies and the parity mark ----
const fmt = (n) => n.toLocaleString('en');

function addReply(r) {
  r.wall = state.enterAt ? (performance.now() - state.enterAt) / 1000 : 0;
  state.enterAt = 0;
  state.replies.push(r);
  const tr = document.createElement('tr');
  tr.dataset.index = r.index;
  const mark = r.match ? '<span class="ok">✓</span>' : '<span class="bad">✗</span>';
  tr.innerHTML = `<td>${esc(r.query)}</td><td class="z80">${esc(r.z80)}</td><td class="go">${esc(r.go)}</td>` +
    `<td class="mark" title="${r.match ? 'the Z80 and infer agree' : 'the Z80 and infer differ'}">${mark}</td>` +
    `<td>${fmt(r.tstates)}</td><td>${r.seconds.toFixed(3)}</td>`;
  tr.addEventListener('click', () => select(r));
  $('replies').tBodies[0].prepend(tr);
  select(r);
  $('readout').textContent = `last reply: ${fmt(r.tstates)} T-states = ${r.seconds.toFixed(3)} s at 4 MHz` +
    (r.wall ? ` (shown in ${r.wall.toFixed(2)} s${state.turbo ? ', turbo' : ''})` : '') + (r.match ? ' ✓' : ' ✗ Go differs');
}

function select(r) {
  for (const tr of $('replies').tBodies[0].rows) tr.classList.toggle('sel', +tr.dataset.index === r.index);
  if (!$('inside').hidden) showInside(r);
}

// ---- the inside view ----
function showInside(r) {
  if (!r) return;
  const steps = JSON.parse(mulm.inside(r.query));
  const chars = $('inside-chars');
  chars.replaceChildren();
  const label = document.createElement('div');
  label.textContent = `inside infer's reply to "${r.query}" (pick a character):`;
  chars.append(label);
  steps.forEach((st, i) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = st.char === '' ? 'EOS' : st.char === ' ' ? '␠' : st.char;
    b.addEventListener('click', () => {
      for (const o of chars.querySelectorAll('button')) o.classList.toggle('sel', o === b);
      showStep(st, i);
    });
    chars.append(b);
  });
  if (steps.length) chars.querySelector('button').click();
}

// heat draws values as a w×h heat map of width × height CSS pixels.
function heat(values, w, h, width, height) {
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  c.style.width = width + 'px';
  c.style.height = height + 'px';
  const g = c.getContext('2d');
  const max = Math.max(1, ...values.map(Math.abs));
  const fg = getComputedStyle(document.body).getPropertyValue('--fg').trim();
  values.forEach((v, i) => {
    if (v === 0) return;
    g.globalAlpha = 0.15 + 0.85 * Math.abs(v) / max;
    g.fillStyle = v > 0 ? fg : '#ff5544';
    g.fillRect(i % w, Math.floor(i / w), 1, 1);
  });
  return c;
}

function block(title, ...content) {
  const d = document.createElement('div');
  const h = document.createElement('h3');
  h.textContent = title;
  d.append(h, ...content);
  return d;
}

function showStep(st, i) {
  const out = $('inside-step');
  out.replaceChildren();
  const nz = st.input.filter((v) => v !== 0).length;
  out.append(block(`step ${i + 1}: the 256 inputs, 16×16 (rows 0-7 query, 8-15 context), ${nz} non-zero`,
    heat(st.input, 16, 16, 160, 160)));
  const layers = document.createElement('div');
  st.active.forEach((act, l) => {
    const v = new Array(st.sizes[l]).fill(0);
    for (const u of act) v[u.i] = u.v;
    const p = document.createElement('div');
    p.textContent = `layer ${l + 1}: ${act.length}/${st.sizes[l]} active`;
    layers.append(p, heat(v, st.sizes[l], 1, 192, 10));
  });
  out.append(block('activations (after ReLU)', layers));
  const top = document.createElement('table');
  top.className = 'top';
  const hi = st.top[0].logit;
  const lo = st.top[st.top.length - 1].logit;
  for (const c of st.top) {
    const tr = top.insertRow();
    tr.innerHTML = `<td>${c.char === '' ? 'EOS' : c.char === ' ' ? '␠' : esc(c.char)}</td><td>${c.logit}</td>` +
      `<td><span class="bar" style="width:${4 + Math.round(60 * (c.logit - lo) / Math.max(1, hi - lo))}px"></span></td>`;
  }
  out.append(block('top five candidates (logits)', top));
}

// ---- the clock: one Frame of the Z80 per animation frame ----
let last = 0;

function tick() {
  // performance.now(), not the frame's timestamp: that is when the frame
  // began, which can be well before a long task ended.
  const now = performance.now();
  const dt = last ? now - last : 0;
  last = now;
  if (zx.on) {
    zxTick(dt);
  } else if (state.model && !state.err) {
    const f = JSON.parse(mulm.frame(dt, state.turbo));
    state.clock.frames++;
    state.clock.ms += dt;
    state.clock.tstates += f.tstates;
    if (f.output) termWrite(f.output);
    state.waiting = f.waiting;
    for (const r of f.replies || []) addReply(r);
    if (f.busy && f.busy !== state.busy) {
      $('readout').textContent = `Z80 replying: ${fmt(f.busy)} T-states = ${(f.busy / HZ).toFixed(3)} s at 4 MHz` +
        (state.turbo ? ' (turbo)' : '');
    }
    state.busy = f.busy;
    if (f.err) {
      state.err = f.err;
      status('the Z80 stopped: ' + f.err);
    }
  }
  render();
  requestAnimationFrame(tick);
}

window.mulmReady = () => {
  for (const e of JSON.parse(mulm.examples())) $('model').add(new Option(e.Name, e.Name));
  for (const e of JSON.parse(mulm.engines())) $('engine').add(new Option(e, e));
  addDownloads();
  $('spectrum-label').hidden = !mulm.hasSpectrum();
  load($('model').value);
  state.ready = true;
  state.readyAt = performance.now();
  $('readout').textContent = `ready in ${((state.readyAt - state.loadStart) / 1000).toFixed(2)} s; ` +
    'the Z80 is starting (real time: the engine’s start-up takes its 4 MHz time)';
  requestAnimationFrame(tick);
};

$('term').focus();
const go = new Go();
WebAssembly.instantiateStreaming(fetch('mulm.wasm'), go.importObject)
  .then((r) => go.run(r.instance))
  .catch((e) => status('could not start the WebAssembly module: ' + e));
