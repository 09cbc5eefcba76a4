// syncnode dashboard: read-only. Polls /api/fleet, /api/tasks and /metrics every 2 s with the bearer
// token kept in sessionStorage; builds the DOM with textContent only (no HTML from data).
'use strict';

const POLL_MS = 2000;
const HISTORY = 90;           // chart samples kept (3 min at 2 s)
const TOKEN_KEY = 'syncnode.token';
const $ = (sel) => document.querySelector(sel);

// ---- token ----

const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY) || '',
  set: (t) => sessionStorage.setItem(TOKEN_KEY, t),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

class Unauthorized extends Error {}

/** GET with the token; JSON or text. 401 throws Unauthorized, 404 answers null. */
async function read(path, asText) {
  const headers = { Accept: asText ? 'text/plain' : 'application/json' };
  if (token.get()) headers.Authorization = 'Bearer ' + token.get();
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 5000);
  try {
    const res = await fetch(path, { headers, cache: 'no-store', credentials: 'omit', signal: abort.signal });
    if (res.status === 401) throw new Unauthorized();
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(path + ': HTTP ' + res.status);
    return asText ? res.text() : res.json();
  } finally {
    clearTimeout(timer);
  }
}

// ---- formatting ----

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === 'class') e.className = v; else if (k === 'title') e.title = v; else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === undefined || c === null) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function bytes(n) {
  if (n === undefined || n === null || isNaN(n)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (Math.abs(n) >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n.toFixed(0) : n.toFixed(n < 10 ? 1 : 0)) + ' ' + units[i];
}

function ago(ms) {
  if (!ms) return '–';
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.round(s / 60) + ' min ago';
  if (s < 86400) return Math.round(s / 3600) + ' h ago';
  return new Date(ms).toLocaleDateString();
}

const when = (ms) => (ms ? new Date(ms).toLocaleString() : '');
const pct = (x) => (x === null || isNaN(x) ? '–' : (x * 100).toFixed(x >= 0.995 || x === 0 ? 0 : 1) + ' %');
const millis = (ms) => (ms === undefined || ms === null ? '–' : ms < 1000 ? ms + ' ms' : (ms / 1000).toFixed(1) + ' s');
const time = (v) => (typeof v === 'string' ? Date.parse(v) : v);

function fill(table, rows, empty, cols) {
  const body = $(table + ' tbody');
  body.replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { class: 'empty', colspan: cols }, empty))]));
}

// ---- fleet ----

/** The fleet summary; without the fleet API (no -cluster, older master), what /api/nodes and /api/spiders say. */
async function fleet() {
  const f = await read('/api/fleet');
  if (f) return f;
  const [nodes, spiders] = await Promise.all([read('/api/nodes'), read('/api/spiders')]);
  return {
    clusterOff: nodes === null,
    nodes: nodes || [],
    spiders: ((spiders && (spiders.details || spiders.spiders)) || []).map((s) => (typeof s === 'string' ? { spiderId: s } : s)),
    recentSyncs: [],
  };
}

function renderNodes(nodes, clusterOff) {
  $('#nodes-count').textContent = nodes.length ? '(' + nodes.length + ')' : '';
  const rows = nodes.map((n) => {
    const health = n.status || 'up';
    const address = n.address || n.http || n.grpc || '';
    return el('tr', { 'data-node-key': n.key },
      el('td', {}, el('b', {}, n.key)),
      el('td', {}, n.role || ''),
      el('td', {}, el('code', {}, address)),
      el('td', {}, n.version || '–'),
      el('td', { title: when(time(n.lastSeen)) }, ago(time(n.lastSeen))),
      el('td', {}, el('span', { class: 'badge', 'data-state': health }, health)));
  });
  fill('#nodes', rows, clusterOff ? 'cluster mode is off (start the master with -cluster)' : 'no nodes yet', 6);
}

function renderSpiders(spiders) {
  $('#spiders-count').textContent = spiders.length ? '(' + spiders.length + ')' : '';
  const rows = spiders.map((s) => {
    const nodes = s.nodes || [];
    const inSync = nodes.filter((n) => n.state === 'in_sync').length;
    const chips = nodes.map((n) => el('span', {
      class: 'chip', 'data-node': n.nodeKey, 'data-state': n.state, 'data-digest': n.digest,
      title: [n.state, n.digest ? 'digest ' + n.digest.slice(0, 12) : null,
        n.lastSyncAt ? 'last sync ' + when(time(n.lastSyncAt)) : null,
        n.durationMs !== undefined ? 'took ' + millis(n.durationMs) : null,
        n.transport, n.error].filter(Boolean).join(' · '),
    }, n.nodeKey));
    const summary = nodes.length ? el('span', { class: 'muted' }, ' ' + inSync + '/' + nodes.length) : el('span', { class: 'muted' }, 'no worker holds it');
    return el('tr', { 'data-spider': s.spiderId, 'data-digest': s.digest },
      el('td', {}, el('b', {}, s.spiderId)),
      el('td', { class: 'digest', title: s.digest || '' }, s.digest ? s.digest.slice(0, 12) : '–'),
      el('td', { class: 'num' }, s.files ?? '–'),
      el('td', { class: 'num' }, bytes(s.bytes)),
      el('td', { title: when(time(s.lastChange)) }, ago(time(s.lastChange))),
      el('td', {}, ...chips, summary));
  });
  fill('#spiders', rows, 'no spiders in the master\'s workspace', 6);
}

function renderSyncs(syncs) {
  const rows = syncs.slice(0, 15).map((r) => el('tr', {},
    el('td', { title: when(time(r.at)) }, ago(time(r.at))),
    el('td', {}, r.spiderId), el('td', {}, r.nodeKey), el('td', {}, r.transport || '–'),
    el('td', { class: 'num' }, millis(r.durationMs)),
    el('td', {}, el('span', { class: 'badge', 'data-state': r.outcome, title: r.error || '' }, r.outcome))));
  fill('#syncs', rows, 'no syncs yet', 6);
}

function renderTasks(page) {
  const tasks = page ? page.tasks || [] : [];
  const rows = tasks.slice(0, 15).map((t) => el('tr', {},
    el('td', { title: when(t.updated) }, ago(t.updated)),
    el('td', {}, t.spiderId), el('td', {}, t.nodeKey || 'any'),
    el('td', {}, el('span', { class: 'badge', 'data-state': t.status, title: t.error || '' }, t.status)),
    el('td', { class: 'num' }, t.attempts ?? '')));
  fill('#tasks', rows, page ? 'no tasks yet' : 'tasks need cluster mode', 5);
}

// ---- metrics ----

/** Prometheus text -> [{name, labels, value}]. */
function parseMetrics(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line[0] === '#') continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
    let l;
    while ((l = re.exec(m[3] || ''))) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: parseFloat(m[4]) });
  }
  return out;
}

const sum = (series, name, match) => series
  .filter((s) => s.name === name && Object.entries(match || {}).every(([k, v]) => s.labels[k] === v))
  .reduce((a, s) => a + (isNaN(s.value) ? 0 : s.value), 0);

function sample(text) {
  const s = parseMetrics(text);
  return {
    t: Date.now(),
    hit: sum(s, 'syncnode_scan_requests_total', { outcome: 'cache_hit' }),
    joined: sum(s, 'syncnode_scan_requests_total', { outcome: 'joined' }),
    requests: sum(s, 'syncnode_scan_requests_total'),
    sent: sum(s, 'syncnode_bytes_sent_total'),
    inflight: sum(s, 'syncnode_http_inflight'),
    queued: sum(s, 'syncnode_http_queued'),
    peak: sum(s, 'syncnode_http_inflight_max'),
    rejected: sum(s, 'syncnode_http_rejected_total'),
  };
}

const history = [];

/** Per-interval values from consecutive samples: null where the interval had no scan requests. */
function series(f) {
  const out = [];
  for (let i = 1; i < history.length; i++) out.push(f(history[i - 1], history[i]));
  return out;
}

function sparkline(svg, values, max) {
  const W = 240, H = 48, n = HISTORY - 1;
  const top = max || Math.max(1, ...values.filter((v) => v !== null));
  const x = (i) => ((i + n - values.length) / (n - 1)) * W;
  const y = (v) => H - 2 - (Math.min(v, top) / top) * (H - 4);
  let line = '', area = '', run = [];
  const flush = () => {
    if (!run.length) return;
    line += run.map(([i, v], k) => (k ? 'L' : 'M') + x(i).toFixed(1) + ' ' + y(v).toFixed(1)).join(' ');
    if (run.length === 1) line += ' h2'; // a lone sample still shows, as a short dash
    area += 'M' + x(run[0][0]).toFixed(1) + ' ' + H + ' ' + run.map(([i, v]) => 'L' + x(i).toFixed(1) + ' ' + y(v).toFixed(1)).join(' ')
      + ' L' + x(run[run.length - 1][0]).toFixed(1) + ' ' + H + ' Z';
    run = [];
  };
  values.forEach((v, i) => (v === null ? flush() : run.push([i, v])));
  flush();
  const ns = 'http://www.w3.org/2000/svg';
  const a = document.createElementNS(ns, 'path');
  a.setAttribute('class', 'area');
  a.setAttribute('d', area);
  const p = document.createElementNS(ns, 'path');
  p.setAttribute('d', line);
  svg.replaceChildren(a, p);
}

function chart(id, value, values, max, sub) {
  const fig = $(id);
  fig.querySelector('.value').textContent = value;
  fig.querySelector('.sub').textContent = sub || '';
  sparkline(fig.querySelector('svg'), values, max);
}

function renderCharts(text) {
  if (text === null) {
    for (const id of ['#chart-hit', '#chart-dedup', '#chart-bytes', '#chart-throttle']) chart(id, '–', [], 1, 'metrics disabled');
    return;
  }
  history.push(sample(text));
  while (history.length > HISTORY) history.shift();
  document.body.dataset.samples = history.length;
  const last = history[history.length - 1];
  const ratio = (a, b, f) => (f(b) - f(a)) / (b.requests - a.requests);
  const hits = series((a, b) => (b.requests > a.requests ? ratio(a, b, (s) => s.hit) : null));
  const dedup = series((a, b) => (b.requests > a.requests ? ratio(a, b, (s) => s.hit + s.joined) : null));
  const rate = series((a, b) => Math.max(0, b.sent - a.sent) / Math.max(0.001, (b.t - a.t) / 1000));
  const busy = history.slice(1).map((s) => s.inflight + s.queued);
  const total = (f) => (last.requests ? f(last) / last.requests : null);
  chart('#chart-hit', pct(total((s) => s.hit)), hits, 1, last.requests + ' scan requests in all');
  chart('#chart-dedup', pct(total((s) => s.hit + s.joined)), dedup, 1,
    (last.requests - last.hit - last.joined) + ' real scans for ' + last.requests + ' requests');
  chart('#chart-bytes', bytes(rate.length ? rate[rate.length - 1] : 0) + '/s', rate, 0, bytes(last.sent) + ' in all');
  chart('#chart-throttle', last.inflight + ' in flight', busy, 0,
    last.queued + ' queued · peak ' + last.peak + ' · ' + last.rejected + ' rejected (503)');
}

// ---- loop ----

function showLogin(message) {
  $('#login').hidden = false;
  $('#main').hidden = true;
  $('#forget').hidden = true;
  const err = $('#login-error');
  err.hidden = !message;
  err.textContent = message || '';
  setLive('error', 'token required');
  $('#token').focus();
}

function setLive(state, text) {
  const live = $('#live');
  live.dataset.state = state;
  live.textContent = text;
}

let timer = null;

async function refresh() {
  clearTimeout(timer);
  try {
    const [f, tasks, metrics] = await Promise.all([fleet(), read('/api/tasks?limit=15'), read('/metrics', true)]);
    $('#login').hidden = true;
    $('#main').hidden = false;
    $('#forget').hidden = !token.get();
    renderNodes(f.nodes || [], f.clusterOff);
    renderSpiders(f.spiders || []);
    renderSyncs(f.recentSyncs || []);
    renderTasks(tasks);
    renderCharts(metrics);
    setLive('ok', 'live · ' + new Date().toLocaleTimeString());
  } catch (e) {
    if (e instanceof Unauthorized) {
      showLogin(token.get() ? 'That token was refused.' : '');
      return; // polling resumes when a token is entered
    }
    setLive('error', 'cannot reach the master: ' + (e.name === 'AbortError' ? 'timed out' : e.message));
  }
  timer = setTimeout(refresh, POLL_MS);
}

document.addEventListener('DOMContentLoaded', () => {
  $('#login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    token.set($('#token').value.trim());
    $('#token').value = '';
    refresh();
  });
  $('#forget').addEventListener('click', () => {
    token.clear();
    location.reload();
  });
  refresh();
});
