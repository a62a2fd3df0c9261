// "Qualité des données": per department, what the directory knows of its places and how its open count
// compares with the published counts; the suspected duplicates; the printed bottin and panorama.
import { api } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { fmtInt, fmtPct } from '../lib/format.js';

const SHARES = ['opening_date', 'staff', 'seats', 'address_position', 'confirmed_12_months'];

function row(d, total = false) {
  const pub = d.published ? `${fmtInt.format(d.published.value)} (${d.published.year})` : '—';
  const ratio = d.published ? fmtPct.format(d.published.open_share) : '—';
  const cells = [
    el(total ? 'th' : 'td', total ? { scope: 'row' } : {}, total ? d.name : `${d.department} ${d.name}`),
    el('td', { class: 'n' }, fmtInt.format(d.listed)),
    el('td', { class: 'n' }, fmtInt.format(d.open)),
    el(
      'td',
      { class: 'n' },
      d.published && /^https?:\/\//i.test(d.published.source_url)
        ? el('a', { href: d.published.source_url, rel: 'noopener noreferrer' }, pub)
        : pub,
    ),
    el('td', { class: 'n' }, ratio),
    ...SHARES.map((k) => el('td', { class: 'n' }, fmtPct.format(d.shares[k]))),
  ];
  return el('tr', { class: d.far_below_published ? 'alert' : '', 'data-dep': d.department }, ...cells);
}

export async function showQuality() {
  const r = await api('/quality');
  const body = byId('quality-table').querySelector('tbody');
  body.replaceChildren(...r.departments.map((d) => row(d)), row(r.region, true));
  byId('quality-summary').textContent =
    `${fmtInt.format(r.region.to_confirm)} fiches à confirmer (non confirmées depuis 12 mois), ` +
    `${fmtInt.format(r.duplicates.length)} doublons probables, au ${r.date}.`;
  byId('quality-duplicates').replaceChildren(
    ...(r.duplicates.length ? [] : [el('li', {}, 'Aucun.')]),
    ...r.duplicates.map((d) =>
      el(
        'li',
        {},
        el('a', { href: `#lieu/${encodeURIComponent(d.a)}` }, d.name_a),
        ' / ',
        el('a', { href: `#lieu/${encodeURIComponent(d.b)}` }, d.name_b),
        ` — ${d.reasons.join(', ')}`,
      ),
    ),
  );
}
