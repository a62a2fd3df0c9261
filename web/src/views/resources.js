// The network's resources (#ressources): guides, model statutes, business plans, benchmarks; searched in French
// (any form of a word, in the title, the summary or the document's text); members-only ones once signed in.
import { api } from '../lib/api.js';
import { byId, debounce, el } from '../lib/dom.js';
import { fmtInt } from '../lib/format.js';

const size = (n) => (n > 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} Mo` : `${Math.max(1, Math.round(n / 1024))} Ko`);

async function search() {
  const q = byId('resources-q').value.trim();
  const r = await api(`/resources?q=${encodeURIComponent(q)}`);
  const items = r.items.map((x) => {
    const link = x.latest
      ? el('a', { href: `/api/v1/resources/${x.id}/file`, class: 'download' }, `Télécharger (${size(x.latest.size)})`)
      : x.url && /^https?:\/\//i.test(x.url)
        ? el('a', { href: x.url, rel: 'noopener noreferrer' }, 'Ouvrir le lien')
        : '';
    return el(
      'li',
      { 'data-resource': String(x.id) },
      el('strong', {}, x.title),
      x.audience === 'members' ? el('span', { class: 'badge' }, ' membres') : '',
      el('br'),
      x.summary,
      el('br'),
      el('span', { class: 'hint' }, `${x.themes.join(', ')} — ${fmtInt.format(x.downloads)} téléchargement(s) `),
      link,
    );
  });
  byId('resources-list').replaceChildren(...(items.length ? items : [el('li', {}, 'Aucune ressource trouvée.')]));
  byId('resources-count').textContent = `${r.items.length} ressource(s)`;
}

export function initResources() {
  byId('resources-q').addEventListener('input', debounce(search, 250));
}

export async function showResources() {
  await search();
}
