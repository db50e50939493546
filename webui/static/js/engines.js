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

// STATUS are the engine checks doctor and the server run (GET /api/config
// engines.*.status): a label and a badge class. "ok" needs no words.
export const STATUS = {
  ok: ['ok', 'ok'],
  slow: ['slow', 'warn'],
  broken: ['not working', 'bad'],
  unchecked: ['not checked', 'muted-badge'],
};

/** engineStatus returns {status, label, cls, reason, fix} for an engine
 * with a known status, or null (a server that does not check engines). */
export function engineStatus(e) {
  if (!e || !e.status || !(e.status in STATUS)) return null;
  const [label, cls] = STATUS[e.status];
  return { status: e.status, label, cls, reason: e.reason || '', fix: e.fix || '' };
}

/** engineSummary is a one-line list of the engines for a page header,
 * with the reason and the fix for any engine that is not ok. */
export function engineSummary(cfg) {
  const engines = (cfg && cfg.engines) || {};
  return h('span', { class: 'engine-line' }, ENGINE_ROLES.map(([key, label], i) => {
    const e = engines[key];
    const remote = e && e.name && e.name !== 'none' && e.local === false;
    const st = engineStatus(e);
    const bad = st && st.status !== 'ok' && st.status !== 'unchecked';
    return [i ? ' · ' : '', `${label}: `,
      h('span', { 'data-engine': key, 'data-status': st ? st.status : null, class: remote ? 'remote' : '' },
        engineName(key, e), remote ? ' (not local)' : ''),
      bad ? h('span', { class: `engine-status ${st.cls}`, 'data-status-for': key },
        ` (${st.label}${st.reason ? `: ${st.reason}` : ''}${st.fix ? `. ${st.fix}` : ''})`) : null];
  }));
}

/** sttHint fills el with the server's one line on how good spoken
 * transcripts are (GET /api/config stt_hint) and the offer of a better
 * engine, or hides it when there is nothing to say. */
export function sttHint(el, cfg) {
  const hint = cfg && cfg.stt_hint;
  if (!hint || !hint.approximate || !hint.text) {
    el.hidden = true;
    el.replaceChildren();
    return;
  }
  const offer = hint.offer && typeof hint.offer === 'object' ? hint.offer : null;
  // replaceChildren would write a null as the text "null".
  const parts = [h('span', {}, hint.text)];
  if (offer && (offer.command || offer.url)) {
    parts.push(h('span', { class: 'offer' }, ' ',
      offer.name ? `${offer.name}: ` : '',
      offer.command ? h('code', {}, offer.command) : null,
      offer.command && offer.url ? ' · ' : '',
      offer.url ? h('code', {}, offer.url) : null));
  }
  el.replaceChildren(...parts);
  el.hidden = false;
}
