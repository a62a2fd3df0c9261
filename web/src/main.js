// Maillage web application: one page, four views (map, directory, indicators, planning), all data from the JSON
// API under /api/v1. The map needs no tile server: the region is drawn from the bundled department outlines
// (an optional tile URL can be set and is kept in this browser).
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import {
  Chart, LineController, BarController, LineElement, BarElement, PointElement, LinearScale, CategoryScale, Tooltip, Legend,
} from 'chart.js';
import './style.css';

Chart.register(LineController, BarController, LineElement, BarElement, PointElement, LinearScale, CategoryScale, Tooltip, Legend);

const API = '/api/v1';
const TYPES = {
  coworking: 'Coworking', fablab: 'Fablab', atelier_partage: 'Atelier partagé', hybride: 'Hybride',
  terres_agricoles: 'Terres agricoles', telecentre: 'Télécentre', mediation_numerique: 'Médiation numérique',
};
const STATUS = { open: 'ouvert', project: 'en projet', closed: 'fermé' };
const STATUS_COLOUR = { open: '#0b6e4f', project: '#b35c00', closed: '#6b6b6b' };
const DEPARTMENTS = {
  16: 'Charente', 17: 'Charente-Maritime', 19: 'Corrèze', 23: 'Creuse', 24: 'Dordogne', 33: 'Gironde', 40: 'Landes',
  47: 'Lot-et-Garonne', 64: 'Pyrénées-Atlantiques', 79: 'Deux-Sèvres', 86: 'Vienne', 87: 'Haute-Vienne',
};
const fmtInt = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const fmtPct = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 1 });
const fmtMin = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

async function api(path) {
  const res = await fetch(API + path);
  const body = await res.json();
  if (!res.ok) throw new Error(body.message || `HTTP ${res.status}`);
  return body;
}
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c ?? ''));
  return e;
};
const query = (form) => {
  const p = new URLSearchParams();
  for (const [k, v] of new FormData(form)) if (v !== '') p.set(k, v);
  return p;
};
const typesLabel = (p) => (p.types || []).map((t) => TYPES[t] || t).join(', ');

function fillSelects() {
  for (const sel of document.querySelectorAll('select[name=department]'))
    for (const [code, name] of Object.entries(DEPARTMENTS)) sel.append(el('option', { value: code }, `${code} ${name}`));
  for (const sel of document.querySelectorAll('select[name=type]'))
    for (const [k, v] of Object.entries(TYPES)) sel.append(el('option', { value: k }, v));
}

// ---- the map ----
let map;
let placesLayer;
let routeLayer;
let cellsLayer;
let zonesLayer;
let departmentsLoaded;

function baseMap(id) {
  const m = L.map(id, { preferCanvas: true, zoomSnap: 0.25 }).setView([45.7, 0.2], 7);
  const url = localStorage.getItem('maillage.tiles');
  if (url) L.tileLayer(url, { maxZoom: 18, attribution: 'fond de carte configuré' }).addTo(m);
  departmentsLoaded = departmentsLoaded || api('/territory/departments.geojson');
  departmentsLoaded.then((gj) => {
    const layer = L.geoJSON(gj, { style: { color: '#3d4f66', weight: 1.2, fillColor: '#f3f0e6', fillOpacity: url ? 0 : 1 }, interactive: false }).addTo(m);
    layer.bringToBack();
    m.fitBounds(layer.getBounds(), { padding: [8, 8] });
    m.getContainer().dataset.outlines = 'loaded';
  });
  return m;
}

function popup(p) {
  const div = el('div', { class: 'popup' },
    el('strong', {}, p.name), el('br'), `${typesLabel(p)} — ${STATUS[p.status] || p.status}`, el('br'),
    `${p.commune || ''}${p.opening_date ? ` · ouvert en ${p.opening_date}` : ''}`, el('br'),
    el('a', { href: `#lieu/${encodeURIComponent(p.id)}` }, 'Voir la fiche'));
  return div;
}

async function loadPlaces() {
  const p = query(document.getElementById('filters'));
  p.set('limit', '500');
  const data = await api(`/places?${p}`);
  placesLayer.clearLayers();
  for (const pl of data.items) {
    if (pl.lon == null) continue;
    L.circleMarker([pl.lat, pl.lon], {
      radius: 6, color: '#fff', weight: 1.5, fillColor: STATUS_COLOUR[pl.status] || '#333', fillOpacity: 0.95,
    }).bindPopup(() => popup(pl)).bindTooltip(pl.name).addTo(placesLayer);
  }
  document.getElementById('count').textContent = `${data.total} lieu${data.total > 1 ? 'x' : ''} affiché${data.total > 1 ? 's' : ''}`;
  document.getElementById('map').dataset.places = String(data.items.length);
}

const BANDS = [[10, '#1a9850'], [20, '#91cf60'], [30, '#fee08b'], [45, '#fc8d59'], [Infinity, '#d73027']];
const bandColour = (m) => (m == null ? '#7b3294' : BANDS.find(([lim]) => m <= lim)[1]);

async function toggleCells(on) {
  const legend = document.getElementById('legend');
  if (!on) {
    if (cellsLayer) map.removeLayer(cellsLayer);
    legend.hidden = true;
    return;
  }
  // Drawn once into an image: one 1 km cell = a small rectangle, coloured by drive time.
  const gj = await api('/coverage/cells.geojson');
  let minX = 180, minY = 90, maxX = -180, maxY = -90;
  const cells = [];
  for (const f of gj.features) {
    const ring = f.geometry.coordinates[0];
    const xs = ring.map((c) => c[0]), ys = ring.map((c) => c[1]);
    const c = { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys), m: f.properties.minutes };
    minX = Math.min(minX, c.x0); maxX = Math.max(maxX, c.x1); minY = Math.min(minY, c.y0); maxY = Math.max(maxY, c.y1);
    cells.push(c);
  }
  const W = 1400, H = Math.round(W * (maxY - minY) / ((maxX - minX) * Math.cos((45.5 * Math.PI) / 180)));
  const canvas = el('canvas', { width: W, height: H });
  const ctx = canvas.getContext('2d');
  const X = (x) => ((x - minX) / (maxX - minX)) * W, Y = (y) => ((maxY - y) / (maxY - minY)) * H;
  for (const c of cells) {
    ctx.fillStyle = bandColour(c.m);
    ctx.fillRect(X(c.x0), Y(c.y1), Math.max(1, X(c.x1) - X(c.x0)), Math.max(1, Y(c.y0) - Y(c.y1)));
  }
  cellsLayer = L.imageOverlay(canvas.toDataURL(), [[minY, minX], [maxY, maxX]], { opacity: 0.75, interactive: false }).addTo(map);
  legend.replaceChildren(el('strong', {}, 'Temps de trajet en voiture vers le tiers-lieu ouvert le plus proche'),
    ...BANDS.map(([lim, col], i) => el('div', { class: 'key' }, el('span', { style: `background:${col}` }),
      i === 0 ? `≤ ${lim} min` : lim === Infinity ? `> ${BANDS[i - 1][0]} min` : `${BANDS[i - 1][0]}–${lim} min`)),
    el('div', { class: 'key' }, el('span', { style: 'background:#7b3294' }), 'inaccessible'));
  legend.hidden = false;
  placesLayer.bringToFront?.();
}

async function toggleZones(on) {
  if (!on) { if (zonesLayer) map.removeLayer(zonesLayer); return; }
  const gj = await api('/coverage/zones.geojson');
  zonesLayer = L.geoJSON(gj, {
    style: { color: '#7b3294', weight: 1, fillColor: '#c2a5cf', fillOpacity: 0.6 },
    onEachFeature: (f, layer) => layer.bindTooltip(`Zone blanche n° ${f.properties.rank} : ${fmtInt.format(f.properties.population)} hab., ${f.properties.area_km2} km²`),
  }).addTo(map);
  map.getContainer().dataset.zones = String(gj.features.length);
}

const VERDICT = { eligible: 'Éligible', not_eligible: 'Non éligible', cannot_decide: 'Impossible de conclure' };
async function checkEligibility(params, label) {
  const box = document.getElementById('verdict');
  box.replaceChildren(el('p', {}, 'Calcul…'));
  try {
    const r = await api(`/eligibility/creation?${params}`);
    if (routeLayer) map.removeLayer(routeLayer);
    routeLayer = L.layerGroup().addTo(map);
    L.circleMarker([r.at[1], r.at[0]], { radius: 7, color: '#000', weight: 2, fillColor: '#ffd400', fillOpacity: 1 }).addTo(routeLayer);
    if (r.route_geometry) L.geoJSON(r.route_geometry, { style: { color: '#0050b3', weight: 4 } }).addTo(routeLayer);
    const near = r.nearest
      ? el('p', {}, `Lieu ouvert le plus proche : ${r.nearest.name} (${r.nearest.commune}), ${fmtMin.format(r.nearest.minutes)} min en voiture.`)
      : el('p', {}, 'Aucun lieu ouvert accessible.');
    const list = el('ul', {}, ...(r.within_1_5_threshold || []).slice(0, 6).map((p) => el('li', {}, `${p.name} — ${fmtMin.format(p.minutes)} min`)));
    box.replaceChildren(
      el('h3', { class: `verdict ${r.verdict}`, 'data-verdict': r.verdict }, `${label} : ${VERDICT[r.verdict] || r.verdict}`),
      el('p', {}, frenchReason(r)), near,
      r.within_1_5_threshold?.length ? el('p', {}, `Lieux à moins de ${fmtMin.format(r.threshold_minutes * 1.5)} min :`) : '',
      list,
      el('p', { class: 'hint' }, `Appel ${r.data_used.call}, données du ${r.data_used.date}, registre révision ${r.data_used.registry_revision}.`));
  } catch (e) {
    box.replaceChildren(el('p', { class: 'error' }, e.message));
  }
}

// The verdict in words, from the figures (the API's `reason` is in English, for the record).
function frenchReason(r) {
  const t = fmtMin.format(r.threshold_minutes);
  if (r.verdict === 'eligible')
    return r.nearest ? `Aucun tiers-lieu ouvert à ${t} min ou moins : le plus proche est à ${fmtMin.format(r.nearest.minutes)} min.`
      : `Aucun tiers-lieu ouvert accessible en voiture.`;
  if (r.verdict === 'not_eligible') return `Un tiers-lieu ouvert est à ${t} min ou moins (${fmtMin.format(r.nearest.minutes)} min) : la création n'est pas éligible.`;
  return `Impossible de conclure (${r.reason}).`;
}

let communes = [];
async function initMap() {
  map = baseMap('map');
  placesLayer = L.layerGroup().addTo(map);
  map.on('click', (e) => checkEligibility(new URLSearchParams({ lon: e.latlng.lng.toFixed(5), lat: e.latlng.lat.toFixed(5) }),
    `Point ${e.latlng.lat.toFixed(4)}, ${e.latlng.lng.toFixed(4)}`));
  const form = document.getElementById('filters');
  let timer;
  form.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(loadPlaces, 200); });
  form.addEventListener('submit', (e) => { e.preventDefault(); loadPlaces(); });
  document.getElementById('layer-cells').addEventListener('change', (e) => toggleCells(e.target.checked));
  document.getElementById('layer-zones').addEventListener('change', (e) => toggleZones(e.target.checked));
  const tile = document.getElementById('tile-url');
  tile.value = localStorage.getItem('maillage.tiles') || '';
  tile.addEventListener('change', () => { localStorage.setItem('maillage.tiles', tile.value.trim()); location.reload(); });
  api('/territory/communes').then((c) => {
    communes = c.items;
    const dl = document.getElementById('communes');
    for (const [insee, name] of communes) dl.append(el('option', { value: `${name} (${insee})` }));
  });
  document.getElementById('commune-search').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = new FormData(e.target).get('commune').trim();
    const m = text.match(/\((\d[\dAB]\d{3})\)$/) || text.match(/^(\d[\dAB]\d{3})$/);
    const c = communes.find((x) => (m ? x[0] === m[1] : x[1].toLowerCase() === text.toLowerCase()));
    if (!c) { document.getElementById('verdict').replaceChildren(el('p', { class: 'error' }, `Commune inconnue : ${text}`)); return; }
    map.setView([c[4], c[3]], 10);
    checkEligibility(new URLSearchParams({ commune: c[0] }), c[1]);
  });
  await loadPlaces();
}

// ---- directory ----
let dirOffset = 0;
const PAGE = 25;
async function loadDirectory() {
  const form = document.getElementById('dir-form');
  const p = query(form);
  document.getElementById('dl-csv').href = `${API}/places.csv?${p}`;
  document.getElementById('dl-geojson').href = `${API}/places.geojson?${p}`;
  p.set('limit', PAGE); p.set('offset', dirOffset);
  const data = await api(`/places?${p}`);
  const body = document.querySelector('#dir-table tbody');
  body.replaceChildren(...data.items.map((pl) => el('tr', {},
    el('td', {}, el('a', { href: `#lieu/${encodeURIComponent(pl.id)}` }, pl.name)), el('td', {}, pl.commune || ''),
    el('td', {}, typesLabel(pl)), el('td', {}, STATUS[pl.status] || pl.status), el('td', {}, pl.opening_date || ''))));
  document.getElementById('dir-count').textContent = `${data.total} lieux — ${data.total ? dirOffset + 1 : 0} à ${dirOffset + data.items.length}`;
  document.getElementById('prev').disabled = dirOffset === 0;
  document.getElementById('next').disabled = dirOffset + PAGE >= data.total;
}
function initDirectory() {
  const form = document.getElementById('dir-form');
  let timer;
  form.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => { dirOffset = 0; loadDirectory(); }, 200); });
  form.addEventListener('submit', (e) => e.preventDefault());
  document.getElementById('prev').addEventListener('click', () => { dirOffset = Math.max(0, dirOffset - PAGE); loadDirectory(); });
  document.getElementById('next').addEventListener('click', () => { dirOffset += PAGE; loadDirectory(); });
}

const LABELS = {
  name: 'Nom', types: 'Types', status: 'Statut', opening_date: 'Ouverture', closing_date: 'Fermeture', commune: 'Commune',
  insee_code: 'Code INSEE', postcode: 'Code postal', address: 'Adresse', staff_fte: 'Salariés (ETP)', services: 'Services',
  seats_permanent: 'Postes permanents', seats_dropin: 'Postes nomades', seats_training: 'Places de formation',
  website: 'Site web', legal_form: 'Forme juridique', siret: 'SIRET', source: 'Source', notes: 'Notes',
};
async function showPlace(id) {
  const p = await api(`/places/${encodeURIComponent(id)}`);
  document.getElementById('h-lieu').textContent = p.name;
  const dl = document.getElementById('sheet');
  dl.replaceChildren();
  for (const [k, label] of Object.entries(LABELS)) {
    let v = p[k];
    if (v == null || (Array.isArray(v) && !v.length)) continue;
    if (k === 'types') v = typesLabel(p); else if (k === 'status') v = STATUS[v] || v; else if (Array.isArray(v)) v = v.join(', ');
    dl.append(el('dt', {}, label), el('dd', {}, k === 'website' ? el('a', { href: v, rel: 'noopener' }, v) : String(v)));
  }
  document.getElementById('history').replaceChildren(...p.history.map((h) => el('li', {}, `${h.at} — ${h.action} (${h.origin}), révision ${h.revision}`)));
}

// ---- indicators ----
let charts = {};
async function loadIndicators() {
  const [ind, cov] = await Promise.all([api('/indicators'), api('/coverage')]);
  const share = new Map(cov.departments.map((d) => [d.dep, d.share]));
  document.getElementById('kpis').replaceChildren(
    ...[[fmtInt.format(ind.open_places), 'tiers-lieux ouverts', 'kpi-open'],
      [fmtPct.format(cov.share), 'de la population à 20 min ou moins', 'kpi-share'],
      [ind.inhabitants_per_place == null ? '–' : fmtInt.format(ind.inhabitants_per_place), 'habitants par lieu ouvert', 'kpi-per'],
      [fmtPct.format(ind.rural_share), 'des lieux en commune rurale', 'kpi-rural']]
      .map(([v, l, id]) => el('div', { class: 'kpi', id }, el('strong', {}, v), el('span', {}, l))));
  document.querySelector('#dep-table tbody').replaceChildren(...ind.departments.map((d) => el('tr', { 'data-dep': d.dep },
    el('td', {}, d.dep), el('td', {}, d.name), el('td', {}, String(d.open_places)), el('td', {}, fmtInt.format(d.population)),
    el('td', {}, d.inhabitants_per_place == null ? '–' : fmtInt.format(d.inhabitants_per_place)),
    el('td', {}, fmtPct.format(share.get(d.dep) ?? 0)))));
  for (const c of Object.values(charts)) c.destroy();
  const hist = ind.history.filter((h) => h.coverage_share != null);
  charts.history = new Chart(document.getElementById('chart-history'), {
    type: 'line',
    data: { labels: hist.map((h) => h.date.slice(0, 4)), datasets: [{ label: 'Part à 20 min', data: hist.map((h) => h.coverage_share * 100), borderColor: '#0b6e4f' }] },
    options: { animation: false, scales: { y: { min: 0, max: 100, ticks: { callback: (v) => `${v} %` } } } },
  });
  charts.deps = new Chart(document.getElementById('chart-deps'), {
    type: 'bar',
    data: { labels: ind.departments.map((d) => d.dep), datasets: [{ label: 'Lieux ouverts', data: ind.departments.map((d) => d.open_places), backgroundColor: '#3d4f66' }] },
    options: { animation: false },
  });
}

// ---- planning ----
let planMap;
let planLayer;
async function runPlan(k) {
  const status = document.getElementById('plan-status');
  status.textContent = 'Calcul…';
  const r = await api(`/plan/best?k=${k}`);
  planLayer.clearLayers();
  r.sites.forEach((s) => L.marker([s.lat, s.lon], {
    icon: L.divIcon({ className: 'site', html: String(s.rank), iconSize: [24, 24] }), title: s.name, keyboard: true,
  }).bindTooltip(`${s.rank}. ${s.name} : +${fmtInt.format(s.added_population)} hab.`).addTo(planLayer));
  document.getElementById('plan-list').replaceChildren(...r.sites.map((s) => el('li', {},
    `${s.name} (${s.insee}) : +${fmtInt.format(s.added_population)} habitants, ${fmtPct.format(s.share)} couverts`)));
  status.textContent = `Aujourd'hui ${fmtPct.format(r.share_before)} couverts ; avec ${r.sites.length} sites : ${fmtPct.format(r.sites.at(-1)?.share ?? r.share_before)}. ${r.method}.`;
  charts.curve?.destroy();
  charts.curve = new Chart(document.getElementById('chart-curve'), {
    type: 'line',
    data: { labels: [0, ...r.sites.map((s) => s.rank)], datasets: [{ label: 'Part couverte', data: [r.share_before * 100, ...r.sites.map((s) => s.share * 100)], borderColor: '#b35c00' }] },
    options: { animation: false, scales: { y: { ticks: { callback: (v) => `${v} %` } } } },
  });
}
function initPlanning() {
  document.getElementById('plan-form').addEventListener('submit', (e) => {
    e.preventDefault();
    runPlan(Math.max(1, Math.min(100, Number(new FormData(e.target).get('k')) || 10))).catch((err) => {
      document.getElementById('plan-status').textContent = err.message;
    });
  });
}

// ---- booking ----
const token = () => localStorage.getItem('maillage.token') || '';
async function authed(path, options = {}) {
  const res = await fetch(API + path, { ...options, headers: { Authorization: `Bearer ${token()}`, 'Content-Type': 'application/json' } });
  const body = await res.json();
  if (!res.ok) throw new Error(body.message || `HTTP ${res.status}`);
  return body;
}
const say = (text, error = false) => {
  const m = document.getElementById('res-message');
  m.textContent = text;
  m.className = error ? 'error' : '';
};
const BOOKING_STATUS = { requested: 'demandée', confirmed: 'confirmée', cancelled: 'annulée', no_show: 'absence' };
const when = (b) => `${b.starts.replace('T', ' ')} – ${b.ends.slice(11)}`;

async function loadMine() {
  const r = await authed('/bookings');
  document.getElementById('my-bookings').replaceChildren(...r.items.map((b) => el('li', { 'data-booking': b.id },
    `${b.resource} (${b.place_id}), ${when(b)}, ${BOOKING_STATUS[b.status] || b.status}${b.amount != null ? `, ${b.amount.toFixed(2)} €` : ''} `,
    ...(['requested', 'confirmed'].includes(b.status) ? [
      el('button', { type: 'button', onclick: async () => {
        try { await authed(`/bookings/${b.id}/cancel`, { method: 'POST', body: '{}' }); say(`Réservation ${b.id} annulée.`); } catch (e) { say(e.message, true); }
        loadMine();
      } }, 'Annuler'),
      b.series_id ? el('button', { type: 'button', class: 'series', onclick: async () => {
        try {
          const r = await authed(`/bookings/${b.id}/cancel`, { method: 'POST', body: '{"series": true}' });
          say(`${r.bookings.length} réservation${r.bookings.length > 1 ? 's' : ''} de la série annulée${r.bookings.length > 1 ? 's' : ''}.`);
        } catch (e) { say(e.message, true); }
        loadMine();
      } }, 'Annuler la série à partir d\'ici') : ''] : []))));
}

async function loadDay(place) {
  const d = new FormData(document.getElementById('day-form')).get('date');
  if (!d) return;
  const next = new Date(`${d}T12:00:00Z`); next.setUTCDate(next.getUTCDate() + 1);
  const r = await authed(`/bookings?from=${d}&to=${next.toISOString().slice(0, 10)}`);
  document.querySelector('#day-table tbody').replaceChildren(...r.items.map((b) => el('tr', {},
    el('td', {}, String(b.id)), el('td', {}, b.resource), el('td', {}, String(b.member_id)), el('td', {}, b.starts.slice(11)),
    el('td', {}, b.ends.slice(11)), el('td', {}, BOOKING_STATUS[b.status] || b.status),
    el('td', {}, b.recorded_by ? `${b.recorded_by} (${b.channel})` : 'le membre'))));
  const res = await api(`/places/${encodeURIComponent(place)}/resources`);
  const sel = document.querySelector('#phone-form select[name=resource]');
  if (!sel.options.length) for (const x of res.resources) sel.append(el('option', { value: x.id }, x.name));
}

async function signIn() {
  if (!token()) { document.getElementById('who').textContent = 'Saisissez le jeton reçu de votre tiers-lieu.'; return; }
  try {
    const r = await authed('/bookings');
    const member = r.role === 'member', manager = r.role === 'manager';
    document.getElementById('who').textContent = member ? `Connecté·e : membre n° ${r.subject}` : manager ? `Connecté·e : gérant·e de ${r.subject}` : `Connecté·e : ${r.role}`;
    document.getElementById('member-area').hidden = !member;
    document.getElementById('manager-area').hidden = !manager;
    if (member) await loadMine();
    if (manager) { document.getElementById('manager-area').dataset.place = r.subject; await loadDay(r.subject); }
  } catch (e) {
    document.getElementById('who').textContent = `Accès refusé : ${e.message}`;
  }
}

function initBooking() {
  const today = new Date().toISOString().slice(0, 10);
  for (const i of document.querySelectorAll('#view-reserver input[type=date]')) i.value = today;
  document.getElementById('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    localStorage.setItem('maillage.token', new FormData(e.target).get('token').trim());
    signIn();
  });
  document.getElementById('desk-search').addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    const text = f.get('commune').trim();
    const m = text.match(/\((\d[\dAB]\d{3})\)$/);
    const p = new URLSearchParams({ commune: m ? m[1] : text, date: f.get('date'), desk_kind: f.get('desk_kind'), minutes: f.get('minutes') });
    try {
      const r = await api(`/booking/search?${p}`);
      document.getElementById('desk-results').replaceChildren(...(r.items.length ? r.items.map((d) => el('li', {},
        `${fmtMin.format(d.minutes)} min — ${d.place} (${d.commune}) : ${d.resource}, ${d.free} libre${d.free > 1 ? 's' : ''} `,
        el('button', { type: 'button', onclick: async () => {
          try {
            const b = await authed('/bookings', { method: 'POST', body: JSON.stringify({ resource: d.resource_id, date: f.get('date') }) });
            say(`Réservation ${b.id} ${BOOKING_STATUS[b.status]} : ${b.resource}, ${when(b)}.`);
            loadMine();
          } catch (err) { say(err.message, true); }
        } }, 'Réserver'))) : [el('li', {}, 'Aucun poste libre dans ce rayon.')]));
    } catch (err) { say(err.message, true); }
  });
  document.getElementById('day-form').addEventListener('submit', (e) => { e.preventDefault(); loadDay(document.getElementById('manager-area').dataset.place); });
  document.getElementById('phone-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    try {
      const weeks = Number(f.get('weeks') || 1);
      const b = await authed('/bookings', { method: 'POST', body: JSON.stringify({ resource: Number(f.get('resource')), member: Number(f.get('member')), date: f.get('date'), channel: f.get('channel'), ...(weeks > 1 ? { weeks } : {}) }) });
      if (b.bookings) say(`Série de ${b.bookings.length} réservations enregistrée pour le membre ${b.bookings[0].member_id} (chaque semaine jusqu'au ${b.bookings[b.bookings.length - 1].starts.slice(0, 10)}).`);
      else say(`Réservation ${b.id} enregistrée pour le membre ${b.member_id}.`);
      loadDay(document.getElementById('manager-area').dataset.place);
    } catch (err) { say(err.message, true); }
  });
}

// ---- routing between views ----
async function route() {
  const [view, arg] = (location.hash.slice(1) || 'carte').split('/');
  const name = ['carte', 'annuaire', 'indicateurs', 'planification', 'lieu', 'reserver'].includes(view) ? view : 'carte';
  for (const s of document.querySelectorAll('.view')) s.hidden = s.id !== `view-${name}`;
  for (const a of document.querySelectorAll('nav a')) a.toggleAttribute('aria-current', a.dataset.view === name);
  if (name === 'carte') map.invalidateSize();
  if (name === 'annuaire') await loadDirectory();
  if (name === 'lieu') await showPlace(decodeURIComponent(arg || ''));
  if (name === 'indicateurs') await loadIndicators();
  if (name === 'reserver') await signIn();
  if (name === 'planification') {
    if (!planMap) { planMap = baseMap('plan-map'); planLayer = L.layerGroup().addTo(planMap); await runPlan(10); }
    planMap.invalidateSize();
  }
}

fillSelects();
initDirectory();
initPlanning();
initBooking();
initMap().then(route);
window.addEventListener('hashchange', route);
