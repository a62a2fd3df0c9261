// The map view: places with their filters, the coverage layers, and the creation-eligibility check by a click
// on the map or by commune.
import L from 'leaflet';
import { api } from '../lib/api.js';
import { baseMap, communeList } from '../lib/basemap.js';
import { byId, debounce, el, formQuery } from '../lib/dom.js';
import { STATUS, STATUS_COLOUR, inseeOf, plural, typesLabel } from '../lib/format.js';
import { getPref, setPref } from '../lib/prefs.js';
import { coverageLayers } from './coverage_layers.js';
import { checkEligibility } from './eligibility.js';
import { itinerantLayer } from './itinerant.js';
import { closeInScenario, initScenario, scenarioActive, scenarioClick, showScenarioPanel } from './scenario.js';

let map;
let placesLayer;

function popup(p) {
  const opened = p.opening_date ? ` · ouvert en ${p.opening_date}` : '';
  return el(
    'div',
    { class: 'popup' },
    el('strong', {}, p.name),
    el('br'),
    `${typesLabel(p)} — ${STATUS[p.status] || p.status}`,
    el('br'),
    `${p.commune || ''}${opened}`,
    el('br'),
    el('a', { href: `#lieu/${encodeURIComponent(p.id)}` }, 'Voir la fiche'),
    scenarioActive() && p.status === 'open'
      ? el(
          'button',
          { type: 'button', class: 'scenario-close', onclick: () => closeInScenario(p.id).catch(() => {}) },
          'Fermer dans le scénario',
        )
      : '',
  );
}

async function loadPlaces() {
  const p = formQuery(byId('filters'));
  p.set('limit', '500');
  const data = await api(`/places?${p}`);
  placesLayer.clearLayers();
  for (const pl of data.items) {
    if (pl.lon == null) continue;
    L.circleMarker([pl.lat, pl.lon], {
      radius: pl.listed ? 7 : 6,
      color: pl.listed ? '#1b1b1b' : '#fff', // listed places: a dark ring
      weight: pl.listed ? 2.5 : 1.5,
      fillColor: STATUS_COLOUR[pl.status] || '#333',
      fillOpacity: 0.95,
    })
      .bindPopup(() => popup(pl))
      .bindTooltip(() => el('span', {}, pl.name))
      .addTo(placesLayer);
  }
  const n = data.total;
  byId('count').textContent = `${n} ${plural(n, 'lieu', 'lieux')} ${plural(n, 'affiché', 'affichés')}`;
  byId('map').dataset.places = String(data.items.length);
}

function initCommuneSearch() {
  let communes = [];
  communeList().then((c) => {
    communes = c.items;
    const dl = byId('communes');
    for (const [insee, name] of communes) dl.append(el('option', { value: `${name} (${insee})` }));
  });
  byId('commune-search').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = new FormData(e.target).get('commune').trim();
    const code = inseeOf(text);
    const c = communes.find((x) => (code ? x[0] === code : x[1].toLowerCase() === text.toLowerCase()));
    if (!c) {
      byId('verdict').replaceChildren(el('p', { class: 'error' }, `Commune inconnue : ${text}`));
      return;
    }
    map.setView([c[4], c[3]], 10);
    checkEligibility(map, new URLSearchParams({ commune: c[0] }), c[1]);
  });
}

export async function initMap() {
  map = baseMap('map');
  placesLayer = L.layerGroup().addTo(map);
  map.on('click', (e) => {
    if (scenarioActive()) {
      scenarioClick(e.latlng).catch((err) => {
        byId('scenario-figures').textContent = err.message;
      });
      return;
    }
    const { lat, lng } = e.latlng;
    const at = new URLSearchParams({ lon: lng.toFixed(5), lat: lat.toFixed(5) });
    const propose = byId('propose-link');
    propose.href = `#contribuer/@${lng.toFixed(5)},${lat.toFixed(5)}`;
    propose.textContent = 'Proposer un lieu à cet endroit';
    checkEligibility(map, at, `Point ${lat.toFixed(4)}, ${lng.toFixed(4)}`);
  });
  const form = byId('filters');
  form.addEventListener('input', debounce(loadPlaces));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    loadPlaces();
  });
  coverageLayers(map, placesLayer);
  const tile = byId('tile-url');
  tile.value = getPref('tiles');
  tile.addEventListener('change', () => {
    setPref('tiles', tile.value.trim());
    location.reload();
  });
  initCommuneSearch();
  initScenario(map);
  await loadPlaces();
  await itinerantLayer(map);
}

export function showMap() {
  showScenarioPanel();
  map.invalidateSize();
}
