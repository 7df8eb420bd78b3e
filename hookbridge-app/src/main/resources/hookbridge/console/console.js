// Hookbridge console: a small page over the admin API (/admin), served from the jar; no build step, no CDN.
// Everything it shows comes from webhooks, so it is attacker-controlled: text goes into the page as text nodes
// (el() below), never as HTML, and the Content-Security-Policy the gateway sends allows no inline script.
'use strict';

const TOKEN = 'hookbridge.token';
const view = document.getElementById('view');
const banner = document.getElementById('banner');
let poller = null;

/** An element with attributes (on* handlers as functions) and children (strings become text nodes). */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'class') node.className = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function show(...nodes) {
  view.replaceChildren(...nodes.flat().filter(n => n !== null && n !== undefined && n !== false));
}

function say(message, kind) {
  banner.hidden = !message;
  banner.className = kind || '';
  banner.textContent = message || '';
}

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Calls the admin API with the session's token; a 401 asks for one. */
async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  const token = sessionStorage.getItem(TOKEN);
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch('/admin' + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit', cache: 'no-store'
  });
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (notJson) { json = null; }
  if (!response.ok) {
    throw new ApiError(response.status, (json && json.error) || ('HTTP ' + response.status));
  }
  return json;
}

/** Runs a view; a missing or refused token shows the sign-in form, other errors the banner. */
async function guarded(render) {
  try {
    await render();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      login(e.message);
    } else {
      say(e.message);
    }
  }
}

function login(reason) {
  stopPolling();
  const input = el('input', { type: 'password', id: 'token', autocomplete: 'current-password', required: true });
  show(el('form', {
    class: 'login', onsubmit: (ev) => {
      ev.preventDefault();
      sessionStorage.setItem(TOKEN, input.value.trim());
      say('');
      route();
    }
  }, el('h1', {}, 'Sign in'),
  el('p', { class: 'muted' }, reason === 'invalid token' ? 'That token was not accepted.'
    : 'The admin API needs a token (hookbridge.admin.token, or hookbridge.admin.read-token to only read).'),
  el('label', { for: 'token' }, 'Admin token', input),
  el('button', { class: 'primary', type: 'submit' }, 'Sign in')));
  input.focus();
  updateWho();
}

function updateWho() {
  const who = document.getElementById('who');
  who.replaceChildren();
  if (sessionStorage.getItem(TOKEN)) {
    who.append('signed in with a token ', el('button', {
      type: 'button', id: 'logout', onclick: () => { sessionStorage.removeItem(TOKEN); route(); }
    }, 'Sign out'));
  }
}

function stopPolling() {
  if (poller) clearInterval(poller);
  poller = null;
}

function params() {
  const hash = location.hash || '#/events';
  const q = hash.indexOf('?');
  return { path: (q < 0 ? hash : hash.slice(0, q)).slice(1), query: new URLSearchParams(q < 0 ? '' : hash.slice(q + 1)) };
}

function time(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

function statusBadges(counts) {
  return Object.entries(counts || {}).map(([status, n]) => el('span', { class: 'status ' + status }, status + (n > 1 ? ' ' + n : '')));
}

function eventLink(id) {
  return el('a', { href: '#/events/' + encodeURIComponent(id), class: 'mono' }, id);
}

// ---- events ----------------------------------------------------------------------------------------------------

const EVENT_FILTERS = ['source', 'type', 'status', 'key', 'from', 'to'];

async function events(query) {
  const id = (query.get('id') || '').trim();
  if (id) {
    location.hash = '#/events/' + encodeURIComponent(id);
    return;
  }
  const api_query = new URLSearchParams();
  for (const name of EVENT_FILTERS) {
    const value = query.get(name);
    if (value) api_query.set(name, name === 'from' || name === 'to' ? new Date(value).toISOString() : value);
  }
  if (query.get('cursor')) api_query.set('cursor', query.get('cursor'));
  api_query.set('limit', '50');
  const page = await api('GET', '/events?' + api_query);

  const form = el('form', {
    class: 'filters', id: 'filters', onsubmit: (ev) => {
      ev.preventDefault();
      const next = new URLSearchParams();
      for (const [name, value] of new FormData(ev.target)) if (value) next.set(name, value);
      location.hash = '#/events' + (next.toString() ? '?' + next : '');
    }
  },
  field('Event id', 'id', ''),
  field('Source', 'source', query.get('source')),
  field('Type', 'type', query.get('type')),
  el('label', {}, 'Status', el('select', { name: 'status', id: 'f-status' },
    ['', 'pending', 'retrying', 'paused', 'delivered', 'dead', 'filtered'].map(s =>
      el('option', { value: s, selected: s === (query.get('status') || '') }, s || 'any')))),
  field('Provider delivery id', 'key', query.get('key')),
  field('From', 'from', query.get('from'), 'datetime-local'),
  field('To', 'to', query.get('to'), 'datetime-local'),
  el('button', { class: 'primary', type: 'submit' }, 'Filter'),
  el('a', { href: '#/events' }, 'Clear'));

  const live = el('input', { type: 'checkbox', id: 'live', checked: !query.get('cursor') });
  const tbody = el('tbody', { id: 'events' }, page.items.map(e => eventRow(e, false)));
  const older = page.next ? el('a', {
    id: 'older', href: '#/events?' + withParam(query, 'cursor', page.next)
  }, 'Older →') : el('span', { class: 'muted' }, 'No older events');
  show(el('h1', {}, 'Events'), form,
    el('p', { class: 'muted' }, el('label', { class: 'inline' }, live,
      'Live: new events appear as they arrive')),
    el('table', {}, el('thead', {}, el('tr', {}, ['Received', 'Event', 'Source', 'Type', 'Provider delivery id',
      'Deliveries'].map(h => el('th', {}, h)))), tbody),
    page.items.length ? null : el('p', { class: 'muted', id: 'empty' }, 'No event matches.'),
    el('p', {}, query.get('cursor') ? el('a', { href: '#/events?' + withParam(query, 'cursor', null) }, '← Newest')
      : null, ' ', older));

  if (!query.get('cursor')) {
    let newest = page.items.length ? page.items[0].id : null;
    poller = setInterval(() => guarded(async () => {
      if (!live.checked) return;
      const fresh = await api('GET', '/events?' + api_query);
      const rows = [];
      for (const e of fresh.items) {
        if (e.id === newest) break;
        rows.push(eventRow(e, true));
      }
      if (rows.length) {
        newest = fresh.items[0].id;
        tbody.prepend(...rows);
        const empty = document.getElementById('empty');
        if (empty) empty.remove();
      }
      // statuses change as deliveries go on
      for (const e of fresh.items) {
        const cell = tbody.querySelector('tr[data-id="' + CSS.escape(e.id) + '"] td.deliveries');
        if (cell) cell.replaceChildren(...statusBadges(e.deliveries));
      }
    }), 2000);
  }
}

function field(title, name, value, type) {
  return el('label', {}, title, el('input', { name, id: 'f-' + name, value: value || '', type: type || 'text' }));
}

function withParam(query, name, value) {
  const next = new URLSearchParams(query);
  if (value) next.set(name, value); else next.delete(name);
  return next.toString();
}

function eventRow(e, fresh) {
  return el('tr', { 'data-id': e.id, class: fresh ? 'new' : null },
    el('td', {}, time(e.receivedAt)), el('td', {}, eventLink(e.id)), el('td', {}, e.source), el('td', {}, e.type),
    el('td', { class: 'mono' }, e.idempotencyKey), el('td', { class: 'deliveries' }, statusBadges(e.deliveries)));
}

// ---- one event -------------------------------------------------------------------------------------------------

async function event(id) {
  const e = await api('GET', '/events/' + encodeURIComponent(id));
  let pretty = null;
  if (e.body !== undefined && e.body !== null) {
    try { pretty = JSON.stringify(JSON.parse(e.body), null, 2); } catch (notJson) { pretty = null; }
  }
  const body = el('pre', { id: 'body' }, pretty || e.body || (e.bodyPreviewBase64 ? '(binary, first bytes in base64) '
    + e.bodyPreviewBase64 : ''));
  const raw = el('button', {
    type: 'button', id: 'raw', onclick: () => {
      const showRaw = raw.textContent === 'Raw';
      body.textContent = showRaw ? e.body : pretty;
      raw.textContent = showRaw ? 'Pretty' : 'Raw';
    }
  }, 'Raw');
  const deliveries = el('tbody', {}, (e.deliveries || []).map(d => deliveryRow(e.id, d)));
  show(el('h1', {}, 'Event ', el('span', { class: 'mono' }, e.id)),
    el('dl', { class: 'facts' },
      fact('Received', time(e.receivedAt)), fact('Inbox', e.inbox), fact('Source', e.source), fact('Type', e.type),
      fact('Provider delivery id', e.idempotencyKey), fact('Content type', e.contentType),
      fact('Size', e.size + ' bytes' + (e.bodyTruncated ? ' (preview)' : ''))),
    el('h2', {}, 'Deliveries'),
    el('div', { class: 'actions' }, el('button', {
      type: 'button', id: 'replay-event', onclick: () => act('Replay this event to all its subscriptions?',
        'POST', '/events/' + encodeURIComponent(e.id) + '/replay', r => 'Replayed to ' + r.replayed + ' subscriptions')
    }, 'Replay to all subscriptions')),
    el('table', {}, el('thead', {}, el('tr', {}, ['Subscription', 'Status', 'Attempts', 'Next attempt', 'Last error', '']
      .map(h => el('th', {}, h)))), deliveries),
    el('div', { id: 'attempts' }),
    el('h2', {}, 'Headers'),
    el('table', { id: 'headers' }, el('tbody', {}, Object.entries(e.headers || {}).map(([name, value]) =>
      el('tr', {}, el('td', { class: 'mono' }, name), el('td', { class: 'mono' }, value))))),
    el('h2', {}, 'Body ', pretty ? raw : null), body);
}

function fact(name, ...value) {
  return [el('dt', {}, name), el('dd', {}, value.map(v => v === null || v === undefined ? '' : v))];
}

function deliveryRow(eventId, d) {
  const path = '/events/' + encodeURIComponent(eventId) + '/deliveries/' + encodeURIComponent(d.subscription);
  return el('tr', { 'data-subscription': d.subscription },
    el('td', {}, d.subscription), el('td', {}, el('span', { class: 'status ' + d.status }, d.status)),
    el('td', {}, d.attempts), el('td', {}, time(d.nextAttemptAt)), el('td', { class: 'mono' }, d.lastError),
    el('td', { class: 'actions' },
      el('button', { type: 'button', class: 'show-attempts', onclick: () => guarded(() => attempts(path)) }, 'Attempts'),
      el('button', {
        type: 'button', class: 'replay', onclick: () => act('Replay the delivery to ' + d.subscription + '?', 'POST',
          path + '/replay', () => 'Replayed to ' + d.subscription)
      }, 'Replay')));
}

async function attempts(path) {
  const d = await api('GET', path);
  document.getElementById('attempts').replaceChildren(el('h2', {}, 'Attempts to ' + d.subscription),
    el('table', { id: 'attempt-log' }, el('thead', {}, el('tr', {}, ['#', 'Started', 'Instance', 'Outcome', 'HTTP status',
      'Duration', 'Error', 'Answer (first bytes)'].map(h => el('th', {}, h)))),
    el('tbody', {}, d.attempts.map(a => el('tr', {},
      el('td', {}, a.attempt), el('td', {}, time(a.startedAt)), el('td', { class: 'mono' }, a.instance),
      el('td', {}, el('span', { class: 'status ' + (a.outcome === 'delivered' ? 'delivered' : 'dead') }, a.outcome)),
      el('td', {}, a.httpStatus), el('td', {}, a.durationMs + ' ms'), el('td', { class: 'mono' }, a.error),
      el('td', { class: 'mono' }, a.response))))));
}

/** A change (replay, pause...): confirmed first, then the view is drawn again. */
async function act(question, method, path, done, body) {
  if (question && !confirm(question)) return;
  await guarded(async () => {
    const result = await api(method, path, body);
    await route();
    say(done(result), 'info');
  });
}

// ---- overview --------------------------------------------------------------------------------------------------

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

/** A line chart of per-minute series: {name: [values]}, with the largest value as its scale. */
function chart(id, title, series, times) {
  const width = 900, height = 180, left = 48, bottom = 22;
  const max = Math.max(1, ...Object.values(series).flat());
  const x = i => left + i * (width - left - 8) / Math.max(1, times.length - 1);
  const y = v => 8 + (height - bottom - 8) * (1 - v / max);
  const colors = ['#2457c5', '#067647', '#b42318', '#b54708'];
  const lines = Object.entries(series).map(([name, values], n) => svg('polyline', {
    points: values.map((v, i) => x(i) + ',' + y(v)).join(' '), fill: 'none', stroke: colors[n % colors.length],
    'stroke-width': 2, 'data-series': name
  }));
  const legend = Object.keys(series).map((name, n) => el('span', { class: 'legend legend-' + n }, name));
  return el('figure', { id, class: 'chart' }, el('figcaption', {}, title, ' ', legend),
    svg('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': title },
      svg('line', { x1: left, y1: y(0), x2: width - 8, y2: y(0), stroke: '#c5cad3' }),
      svg('text', { x: 4, y: 16, fill: '#5d6677', 'font-size': 11 }, String(max)),
      svg('text', { x: 4, y: y(0), fill: '#5d6677', 'font-size': 11 }, '0'),
      svg('text', { x: left, y: height - 4, fill: '#5d6677', 'font-size': 11 }, time(times[0])),
      svg('text', { x: width - 8, y: height - 4, fill: '#5d6677', 'font-size': 11, 'text-anchor': 'end' }, 'now'),
      ...lines));
}

async function overview() {
  const [recent, subs] = await Promise.all([api('GET', '/overview'), api('GET', '/subscriptions')]);
  const m = recent.minutes;
  const sum = key => m.reduce((a, p) => a + p[key], 0);
  const backlog = subs.reduce((a, s) => a + ((s.deliveries || {}).pending || 0), 0);
  const dead = subs.reduce((a, s) => a + ((s.deliveries || {}).dead || 0), 0);
  show(el('h1', {}, 'Overview'),
    el('dl', { class: 'facts', id: 'totals' },
      fact('Store', recent.store ? el('span', { class: 'status ' + (recent.store.state === 'up' ? 'delivered' : 'dead') },
        recent.store.state) : 'unknown', recent.store && recent.store.message ? ' ' + recent.store.message : ''),
      fact('Events accepted, last hour', sum('received')), fact('Delivered, last hour', sum('delivered')),
      fact('Failed attempts, last hour', sum('failed')), fact('Pending now', backlog), fact('Dead, kept for replay', dead),
      fact('Subscriptions paused', subs.filter(s => s.paused).length)),
    chart('rates', 'Per minute, this instance', {
      accepted: m.map(p => p.received), delivered: m.map(p => p.delivered), failed: m.map(p => p.failed)
    }, m.map(p => p.at)),
    chart('backlog', 'Pending deliveries', { pending: m.map(p => p.backlog) }, m.map(p => p.at)),
    el('p', { class: 'muted' }, 'Counted in memory by this instance since it started; the store has the full history.'));
  poller = setInterval(() => guarded(overview), 10000);
}

// ---- subscriptions ---------------------------------------------------------------------------------------------

async function subscriptions() {
  const [subs, recent] = await Promise.all([api('GET', '/subscriptions'), api('GET', '/overview')]);
  show(el('h1', {}, 'Subscriptions'),
    el('table', {}, el('thead', {}, el('tr', {}, ['Subscription', 'Inbox', 'State', 'Pending', 'Retrying', 'Dead',
      'Oldest pending', 'Success (1 h)', 'Mean attempt (1 h)', 'Last success', 'Last failure', '']
      .map(h => el('th', {}, h)))),
    el('tbody', { id: 'subscriptions' }, subs.map(s => subscriptionRow(s, recent.subscriptions[s.id])))));
}

function subscriptionRow(s, hour) {
  const path = '/subscriptions/' + encodeURIComponent(s.id);
  const d = s.deliveries || {};
  return el('tr', { 'data-subscription': s.id },
    el('td', {}, s.id),
    el('td', {}, s.inbox),
    el('td', {}, s.paused ? el('span', { class: 'status paused' }, 'paused') : el('span', { class: 'status delivered' }, 'active'),
      s.pausedReason ? el('div', { class: 'muted' }, s.pausedReason) : null),
    el('td', {}, d.pending), el('td', {}, d.retrying),
    el('td', {}, d.dead ? el('a', { href: '#/replay?' + new URLSearchParams({ subscription: s.id }) }, d.dead) : d.dead),
    el('td', {}, s.oldestPendingAgeSeconds === null || s.oldestPendingAgeSeconds === undefined ? ''
      : s.oldestPendingAgeSeconds + ' s'),
    el('td', { class: 'success-rate' }, hour ? Math.round(hour.successRate * 1000) / 10 + ' % of ' + hour.attempts : ''),
    el('td', {}, hour ? hour.meanAttemptMs + ' ms' : ''),
    el('td', {}, time(s.lastSuccessAt)),
    el('td', {}, time(s.lastFailureAt), s.lastFailure ? el('div', { class: 'mono muted' }, s.lastFailure) : null),
    el('td', { class: 'actions' },
      s.paused
        ? el('button', { type: 'button', class: 'resume', onclick: () => act(null, 'POST', path + '/resume', () => s.id + ' resumed') }, 'Resume')
        : el('button', { type: 'button', class: 'pause', onclick: () => act('Pause ' + s.id + '? Deliveries are kept.', 'POST', path + '/pause', () => s.id + ' paused') }, 'Pause'),
      el('button', { type: 'button', class: 'retry-dead', onclick: () => act('Replay every dead delivery of ' + s.id + '?', 'POST', path + '/retry-dead', r => 'Replayed ' + r.replayed + ' dead deliveries') }, 'Retry dead'),
      el('button', { type: 'button', class: 'danger delete', onclick: () => remove(s.id, path) }, 'Delete')));
}

async function remove(id, path) {
  await guarded(async () => {
    // counted first; a subscription whose route still runs is refused (409) with the reason
    const counts = await api('DELETE', path + '?dryRun=true');
    const summary = Object.entries(counts.deliveries || {}).map(([status, n]) => n + ' ' + status).join(', ') || 'none';
    await act('Delete ' + id + ' with its deliveries (' + summary + ')?', 'DELETE', path,
      r => id + ' deleted with ' + r.deliveries + ' deliveries');
  });
}

// ---- bulk replay -----------------------------------------------------------------------------------------------

function replay(query) {
  const form = el('form', { class: 'filters', id: 'replay-form' },
    field('Subscription', 'subscription', query.get('subscription')),
    el('label', {}, 'Status', el('select', { name: 'status', id: 'f-status' },
      ['dead', 'delivered', 'retrying', 'paused', 'filtered', 'pending'].map(s => el('option', { value: s }, s)))),
    field('Source', 'source', query.get('source')), field('Type', 'type', query.get('type')),
    field('From', 'from', '', 'datetime-local'), field('To', 'to', '', 'datetime-local'),
    el('button', { type: 'submit', class: 'primary' }, 'Count matching deliveries'));
  const outcome = el('div', { id: 'replay-outcome' });
  const filter = () => {
    const f = {};
    for (const [name, value] of new FormData(form)) {
      if (value) f[name] = name === 'from' || name === 'to' ? new Date(value).toISOString() : value;
    }
    return f;
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    guarded(async () => {
      const dry = await api('POST', '/deliveries/replay', Object.assign(filter(), { dryRun: true }));
      outcome.replaceChildren(el('p', {}, dry.matched + ' deliveries match. '),
        dry.matched ? el('button', {
          type: 'button', class: 'primary', id: 'replay-confirm',
          onclick: () => act(null, 'POST', '/deliveries/replay', r => 'Replayed ' + r.replayed + ' deliveries', filter())
        }, 'Replay ' + dry.matched + ' deliveries') : null);
    });
  });
  show(el('h1', {}, 'Bulk replay'), el('p', { class: 'muted' },
    'Count first (nothing changes), then replay what the filter matches.'), form, outcome);
}

// ---- API reference ---------------------------------------------------------------------------------------------

async function reference() {
  const doc = await api('GET', '/openapi.json');
  const rows = [];
  for (const [path, operations] of Object.entries(doc.paths || {})) {
    for (const [method, op] of Object.entries(operations)) {
      rows.push(el('tr', {}, el('td', { class: 'mono' }, method.toUpperCase()), el('td', { class: 'mono' }, path),
        el('td', {}, op.description || op.summary || '',
          (op.parameters || []).filter(p => p.in === 'query').map(p => el('div', { class: 'muted' },
            el('code', {}, p.name), ' ', p.description || '')))));
    }
  }
  show(el('h1', {}, (doc.info && doc.info.title) || 'Admin API'),
    el('p', {}, 'The OpenAPI document: ', el('a', { href: '/admin/openapi.json' }, '/admin/openapi.json'),
      '. Calls need Authorization: Bearer <token> when a token is set.'),
    el('table', {}, el('thead', {}, el('tr', {}, ['Method', 'Path', 'What it does'].map(h => el('th', {}, h)))),
      el('tbody', {}, rows)));
}

// ---- routing ---------------------------------------------------------------------------------------------------

async function route() {
  stopPolling();
  say('');
  updateWho();
  const { path, query } = params();
  const section = path.split('/')[1] || 'events';
  document.querySelectorAll('header nav a').forEach(a => a.classList.toggle('active', a.dataset.nav === section));
  const eventMatch = path.match(/^\/events\/(.+)$/);
  document.title = 'Hookbridge · ' + section;
  if (eventMatch) return guarded(() => event(decodeURIComponent(eventMatch[1])));
  if (section === 'subscriptions') return guarded(subscriptions);
  if (section === 'overview') return guarded(overview);
  if (section === 'replay') return guarded(async () => replay(query));
  if (section === 'api') return guarded(reference);
  return guarded(() => events(query));
}

window.addEventListener('hashchange', route);
document.addEventListener('keydown', (ev) => {
  // "/" jumps to the first filter, as in most consoles
  if (ev.key === '/' && !['INPUT', 'SELECT', 'TEXTAREA'].includes(document.activeElement.tagName)) {
    const first = document.querySelector('form.filters input');
    if (first) { ev.preventDefault(); first.focus(); }
  }
});
route();
