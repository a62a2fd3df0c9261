// The indicators view: key figures, the table by department and two charts.
import { Chart } from '../lib/charts.js';
import { api } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { fmtInt, fmtPct, TYPES } from '../lib/format.js';

const charts = {};

function kpis(ind, cov) {
  const per = ind.inhabitants_per_place == null ? '–' : fmtInt.format(ind.inhabitants_per_place);
  const items = [
    [fmtInt.format(ind.open_places), 'tiers-lieux ouverts', 'kpi-open'],
    [fmtPct.format(cov.share), 'de la population à 20 min ou moins', 'kpi-share'],
    [per, 'habitants par lieu ouvert', 'kpi-per'],
    [fmtPct.format(ind.rural_share), 'des lieux en commune rurale', 'kpi-rural'],
  ];
  const pt = cov.part_time;
  if (pt && (pt.stops > 0 || ind.itinerant_places > 0))
    items.push([
      fmtPct.format(pt.part_time.share),
      `en plus à 20 min d'un arrêt itinérant au moins ${pt.min_hours_week} h par semaine (${ind.itinerant_places} lieu(x) itinérant(s))`,
      'kpi-part-time',
    ]);
  return items.map(([v, l, id]) => el('div', { class: 'kpi', id }, el('strong', {}, v), el('span', {}, l)));
}

function departmentRow(d, share) {
  const per = d.inhabitants_per_place == null ? '–' : fmtInt.format(d.inhabitants_per_place);
  return el(
    'tr',
    { 'data-dep': d.dep },
    el('td', {}, d.dep),
    el('td', {}, d.name),
    el('td', {}, String(d.open_places)),
    el('td', {}, fmtInt.format(d.population)),
    el('td', {}, per),
    el('td', {}, fmtPct.format(share.get(d.dep) ?? 0)),
  );
}

function drawCharts(ind) {
  for (const c of Object.values(charts)) c.destroy();
  const hist = ind.history.filter((h) => h.coverage_share != null);
  charts.history = new Chart(byId('chart-history'), {
    type: 'line',
    data: {
      labels: hist.map((h) => h.date.slice(0, 4)),
      datasets: [{ label: 'Part à 20 min', data: hist.map((h) => h.coverage_share * 100), borderColor: '#0b6e4f' }],
    },
    options: { animation: false, scales: { y: { min: 0, max: 100, ticks: { callback: (v) => `${v} %` } } } },
  });
  charts.deps = new Chart(byId('chart-deps'), {
    type: 'bar',
    data: {
      labels: ind.departments.map((d) => d.dep),
      datasets: [
        { label: 'Lieux ouverts', data: ind.departments.map((d) => d.open_places), backgroundColor: '#3d4f66' },
      ],
    },
    options: { animation: false },
  });
}

export async function showIndicators() {
  const [ind, cov] = await Promise.all([api('/indicators'), api('/coverage')]);
  const share = new Map(cov.departments.map((d) => [d.dep, d.share]));
  byId('kpis').replaceChildren(...kpis(ind, cov));
  document.querySelector('#dep-table tbody').replaceChildren(...ind.departments.map((d) => departmentRow(d, share)));
  drawCharts(ind);
  // The members of the network this year, by department and type.
  const c = await api('/members/census');
  const deps = Object.entries(c.by_department).map(([d, n]) => `${d} : ${n}`);
  const types = Object.entries(c.by_type).map(([t, n]) => `${TYPES[t] || t} : ${n}`);
  byId('members-census').replaceChildren(
    el(
      'p',
      {},
      `${c.members} membres du réseau en ${c.year} (${c.places} lieux, ${c.people} personnes ; ${c.fee_paid} cotisations réglées).`,
    ),
    el('p', {}, `Par département — ${deps.join(' · ') || 'aucun'}`),
    el('p', {}, `Par type — ${types.join(' · ') || 'aucun'}`),
  );
}
