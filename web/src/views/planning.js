// The planning view: the k best new sites on a map, their list and the coverage curve.
import L from 'leaflet';
import { api } from '../lib/api.js';
import { baseMap } from '../lib/basemap.js';
import { Chart } from '../lib/charts.js';
import { byId, el } from '../lib/dom.js';
import { fmtInt, fmtPct } from '../lib/format.js';
import { initTourPlanner } from './itinerant.js';

let planMap;
let planLayer;
let curve;

function siteMarker(s) {
  const icon = L.divIcon({ className: 'site', html: el('span', {}, String(s.rank)), iconSize: [24, 24] });
  const tip = `${s.rank}. ${s.name} : +${fmtInt.format(s.added_population)} hab.`;
  return L.marker([s.lat, s.lon], { icon, title: s.name, keyboard: true }).bindTooltip(() => el('span', {}, tip));
}

function drawCurve(r) {
  curve?.destroy();
  curve = new Chart(byId('chart-curve'), {
    type: 'line',
    data: {
      labels: [0, ...r.sites.map((s) => s.rank)],
      datasets: [
        {
          label: 'Part couverte',
          data: [r.share_before * 100, ...r.sites.map((s) => s.share * 100)],
          borderColor: '#b35c00',
        },
      ],
    },
    options: { animation: false, scales: { y: { ticks: { callback: (v) => `${v} %` } } } },
  });
}

async function runPlan(k) {
  const status = byId('plan-status');
  status.textContent = 'Calcul…';
  const r = await api(`/plan/best?k=${k}`);
  planLayer.clearLayers();
  for (const s of r.sites) siteMarker(s).addTo(planLayer);
  byId('plan-list').replaceChildren(
    ...r.sites.map((s) =>
      el(
        'li',
        {},
        `${s.name} (${s.insee}) : +${fmtInt.format(s.added_population)} habitants, ${fmtPct.format(s.share)} couverts`,
      ),
    ),
  );
  const after = fmtPct.format(r.sites.at(-1)?.share ?? r.share_before);
  const before = fmtPct.format(r.share_before);
  status.textContent = `Aujourd'hui ${before} couverts ; avec ${r.sites.length} sites : ${after}. ${r.method}.`;
  drawCurve(r);
}

export function initPlanning() {
  initTourPlanner(() => planMap);
  byId('plan-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const k = Math.max(1, Math.min(100, Number(new FormData(e.target).get('k')) || 10));
    runPlan(k).catch((err) => {
      byId('plan-status').textContent = err.message;
    });
  });
}

export async function showPlanning() {
  if (!planMap) {
    planMap = baseMap('plan-map');
    planLayer = L.layerGroup().addTo(planMap);
    await runPlan(10);
  }
  planMap.invalidateSize();
}
