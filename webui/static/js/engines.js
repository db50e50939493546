// Which engines hear, speak and think for the user, from /api/config, and
// a plain warning when any of them is not on this machine: the point of
// mockloop is that answers stay local, so leaving is worth saying loudly.
import { h } from './lib.js';

export const ENGINE_ROLES = [
  ['stt', 'Speech to text', 'what you say'],
  ['tts', 'Voice', 'the interviewer’s words'],
  ['llm', 'Interviewer', 'your answers and the conversation'],
];

/** engineName is what the page calls an engine; "none" means off, and an
 * interviewer that is off is the scripted one. */
export function engineName(key, e) {
  if (!e || !e.name || e.name === 'none') return key === 'llm' ? 'scripted' : 'off';
  return e.name;
}

/** remoteEngines lists the engines that send data off this machine. */
export function remoteEngines(cfg) {
  const engines = (cfg && cfg.engines) || {};
  return ENGINE_ROLES
    .filter(([key]) => {
      const e = engines[key];
      return e && e.name && e.name !== 'none' && e.local === false;
    })
    .map(([key, label, what]) => ({ key, label, what, url: engines[key].url || '' }));
}

/** remoteWarning fills el (a .banner) with the warning, or hides it when
 * every engine is local. */
export function remoteWarning(el, cfg) {
  const remote = remoteEngines(cfg);
  el.hidden = remote.length === 0;
  if (!remote.length) {
    el.replaceChildren();
    return;
  }
  el.classList.add('warn');
  el.setAttribute('role', 'alert');
  el.dataset.remote = remote.map((r) => r.key).join(' ');
  el.replaceChildren(h('span', {},
    h('strong', {}, 'Not everything stays on this machine. '),
    remote.map((r, i) => [i ? ' ' : '',
      `${r.label} sends ${r.what} to `, h('code', {}, r.url || 'a remote server'), '.'])));
}

/** engineSummary is a one-line list of the engines for a page header. */
export function engineSummary(cfg) {
  const engines = (cfg && cfg.engines) || {};
  return h('span', { class: 'engine-line' }, ENGINE_ROLES.map(([key, label], i) => {
    const e = engines[key];
    const remote = e && e.name && e.name !== 'none' && e.local === false;
    return [i ? ' · ' : '', `${label}: `,
      h('span', { 'data-engine': key, class: remote ? 'remote' : '' }, engineName(key, e), remote ? ' (not local)' : '')];
  }));
}
