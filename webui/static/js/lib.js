// Shared helpers for every page: a tiny DOM builder, the JSON API client
// (errors come back as {"error":{"code","message"}} per docs/protocol.md),
// and the labels and number formats the pages share.

/** h builds an element: h('p', {class: 'x', onclick: fn}, 'text', child). */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

/** ApiError carries the server's user-facing message and its code. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** api calls the JSON API and throws ApiError with the server's message. */
export async function api(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, 'network', 'The mockloop server is not reachable. Is it still running?');
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const e = data && data.error;
    throw new ApiError(res.status, (e && e.code) || 'http_' + res.status,
      (e && e.message) || `The server answered ${res.status} ${res.statusText}.`);
  }
  return data;
}

/** pathID returns the last path segment, e.g. the round id in /round/{id}. */
export function pathID() {
  const parts = location.pathname.split('/').filter(Boolean);
  return decodeURIComponent(parts[parts.length - 1] || '');
}

export const KIND_LABELS = {
  behavioral: 'Behavioral (Leadership Principles)',
  system_design: 'System design',
  coding: 'Coding talk-through',
  bar_raiser: 'Bar Raiser',
  loop: 'Full loop',
};

export function kindLabel(kind) {
  return KIND_LABELS[kind] || humanize(kind || '');
}

/** humanize turns a code like missing_metric into "Missing metric". */
export function humanize(code) {
  const s = String(code).replace(/[_-]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function formatDate(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** clock formats seconds as m:ss. */
export function clock(sec) {
  const s = Math.max(0, Math.floor(sec));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** num formats a number for a meter; "—" when it is unknown. */
export function num(v, digits = 0) {
  if (v === undefined || v === null || Number.isNaN(v)) return '—';
  return Number(v).toFixed(digits);
}

export function pct(v) {
  if (v === undefined || v === null || Number.isNaN(v)) return '—';
  return `${Math.round(v * 100)}%`;
}

/** toast shows a short message in the corner for a few seconds. */
export function toast(text, kind = '') {
  let box = $('#toasts');
  if (!box) {
    box = h('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(box);
  }
  const t = h('div', { class: `toast ${kind}` }, text);
  box.append(t);
  setTimeout(() => t.remove(), kind === 'error' ? 8000 : 6000);
  return t;
}

/** confirmDialog shows a modal <dialog> and resolves true on confirm. When
 * typed is set, the confirm button stays disabled until the user types it. */
export function confirmDialog({ title, body, confirm = 'Delete', typed = '' }) {
  return new Promise((resolve) => {
    const input = typed
      ? h('input', { type: 'text', 'aria-label': `Type ${typed} to confirm`, autocomplete: 'off', id: 'confirm-input' })
      : null;
    const ok = h('button', { class: 'danger solid', type: 'submit', value: 'ok', id: 'confirm-ok' }, confirm);
    if (typed) ok.disabled = true;
    const form = h('form', { method: 'dialog' },
      h('h2', {}, title),
      h('p', {}, body),
      typed ? h('p', {}, h('label', { for: 'confirm-input' }, `Type “${typed}” to confirm`), h('br'), input) : null,
      h('div', { class: 'row end' },
        h('button', { type: 'submit', value: 'cancel', id: 'confirm-cancel' }, 'Cancel'), ok));
    const dlg = h('dialog', {}, form);
    if (input) input.addEventListener('input', () => { ok.disabled = input.value.trim() !== typed; });
    dlg.addEventListener('close', () => {
      resolve(dlg.returnValue === 'ok');
      dlg.remove();
    });
    document.body.append(dlg);
    dlg.showModal();
    (input || ok).focus();
  });
}

// LEAD_IN_WORDS are the words of a spoken transition ("Okay, thank you.
// Next question."): a leading sentence made only of them is not part of
// the question, so the "On:" line leaves it out.
const LEAD_IN_WORDS = new Set(('okay ok thank thanks you great good alright all right next question lets let\'s ' +
  'move moving on now so sure got it perfect cool excellent that thats that\'s helpful understood makes sense ' +
  'appreciate the answer very much nice interesting fair enough').split(' '));

/** stripLeadIn drops leading transition sentences from a question. */
export function stripLeadIn(text) {
  let rest = String(text || '').trim();
  for (;;) {
    const m = rest.match(/^([^.!?]*[.!])\s+(\S[\s\S]*)$/);
    if (!m) return rest;
    const words = m[1].toLowerCase().replace(/[’]/g, "'").split(/[^a-z']+/).filter(Boolean);
    if (!words.length || !words.every((w) => LEAD_IN_WORDS.has(w))) return rest;
    rest = m[2];
  }
}
