// What-if scenarios on the map (editors): drop hypothetical places, drag them, close existing ones; the share
// within 20 minutes, the departments and the cells that cross the threshold follow each change. A scenario is
// saved under a name and shared by its link (#scenario/KEY); its hypothetical sites export as CSV.
import L from 'leaflet';
import { API, api, send } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { fmtInt, fmtPct } from '../lib/format.js';
import { isEditor } from '../lib/session.js';

let map;
let layer; // hypothetical sites
let cells; // cells that crossed the threshold since the start
let current = null; // { id, markers: Map, cellState: Map }

export const scenarioActive = () => current !== null;

function showFigures(f) {
  const box = byId('scenario-figures');
  const sign = f.change_from_start > 0 ? '+' : '';
  box.textContent =
    `Part à 20 min : ${fmtPct.format(f.share)} (${fmtInt.format(f.covered)} habitants ; ` +
    `${sign}${fmtInt.format(f.change_from_start)} depuis le début du scénario)`;
  box.dataset.covered = String(f.covered);
  box.dataset.change = String(f.change_from_start);
  const rows = f.departments
    .filter((d) => d.change_from_start !== 0)
    .map((d) =>
      el(
        'tr',
        {},
        el('td', {}, `${d.dep} ${d.name}`),
        el('td', { class: 'num' }, `${d.change_from_start > 0 ? '+' : ''}${fmtInt.format(d.change_from_start)}`),
      ),
    );
  byId('scenario-deps').replaceChildren(...rows);
}

function paintCells(change) {
  for (const c of change.gained_cells) {
    if (current.cellState.get(c.id) === 'lost') current.cellState.delete(c.id);
    else current.cellState.set(c.id, 'gained');
  }
  for (const c of change.lost_cells) {
    if (current.cellState.get(c.id) === 'gained') current.cellState.delete(c.id);
    else current.cellState.set(c.id, 'lost');
  }
  const at = new Map([...change.gained_cells, ...change.lost_cells].map((c) => [c.id, c]));
  current.cellAt = new Map([...(current.cellAt || new Map()), ...at]);
  cells.clearLayers();
  for (const [id, state] of current.cellState) {
    const c = current.cellAt.get(id);
    if (!c) continue;
    L.circleMarker([c.lat, c.lon], {
      radius: 3,
      stroke: false,
      fillColor: state === 'gained' ? '#1a9850' : '#d73027',
      fillOpacity: 0.8,
      interactive: false,
    }).addTo(cells);
  }
}

async function apply(change) {
  const r = await send(`/scenarios/${current.id}/changes`, 'POST', change);
  showFigures(r);
  paintCells(r.change);
  byId('scenario-figures').dataset.changes = String(++current.changes);
  byId('scenario-ms').textContent = `Calcul serveur : ${r.change.server_ms.toFixed(1)} ms.`;
  return r;
}

function siteMarker(id, name, lat, lon) {
  const m = L.marker([lat, lon], { draggable: true, title: name, keyboard: true, icon: hypoIcon() });
  let busy = false;
  let pending = null;
  const moveTo = async (ll) => {
    if (busy) {
      pending = ll; // the latest position goes next
      return;
    }
    busy = true;
    try {
      await apply({ op: 'move', id, lon: Number(ll.lng.toFixed(5)), lat: Number(ll.lat.toFixed(5)) });
    } finally {
      busy = false;
    }
    if (pending) {
      const next = pending;
      pending = null;
      await moveTo(next);
    }
  };
  m.on('drag', (e) => moveTo(e.target.getLatLng()));
  m.on('dragend', (e) => moveTo(e.target.getLatLng()));
  m.bindPopup(() =>
    el(
      'div',
      { class: 'popup' },
      el('strong', {}, name),
      el('br'),
      el(
        'button',
        {
          type: 'button',
          onclick: async () => {
            await apply({ op: 'close', id });
            m.remove();
          },
        },
        'Retirer du scénario',
      ),
    ),
  );
  current.markers.set(id, m);
  return m.addTo(layer);
}

const hypoIcon = () => L.divIcon({ className: 'hypo', html: el('span', {}, '+'), iconSize: [22, 22] });

// A click on the map while a scenario runs: a hypothetical place there.
export async function scenarioClick(latlng) {
  const r = await apply({ op: 'add', lon: Number(latlng.lng.toFixed(5)), lat: Number(latlng.lat.toFixed(5)) });
  siteMarker(r.applied.id, r.applied.name, r.applied.lat, r.applied.lon);
}

// From a place's popup: close it in the scenario.
export async function closeInScenario(id) {
  await apply({ op: 'close', id });
}

function begin(state) {
  layer?.clearLayers();
  cells?.clearLayers();
  current = { id: state.id, markers: new Map(), cellState: new Map(), changes: 0 };
  for (const s of state.sites) if (s.hypothetical) siteMarker(s.id, s.name, s.lat, s.lon);
  showFigures(state.figures);
  byId('scenario-save').hidden = false;
  const csv = byId('scenario-sites');
  csv.href = `${API}/scenarios/${state.id}/sites.csv`;
  csv.hidden = false;
  byId('scenario-start').textContent = 'Recommencer un scénario';
  byId('map').dataset.scenario = String(state.id);
}

export function initScenario(theMap) {
  map = theMap;
  layer = L.layerGroup().addTo(map);
  cells = L.layerGroup().addTo(map);
  byId('scenario-start').addEventListener('click', async () => {
    byId('scenario-figures').textContent = 'Préparation du scénario…';
    try {
      begin(await send('/scenarios', 'POST', {}));
    } catch (err) {
      byId('scenario-figures').textContent = err.message;
    }
  });
  byId('scenario-save').addEventListener('submit', async (e) => {
    e.preventDefault();
    const name = new FormData(e.target).get('name');
    try {
      const r = await send(`/scenarios/${current.id}/save`, 'POST', { name });
      const link = byId('scenario-link');
      link.replaceChildren('Lien à partager : ', el('a', { href: `#scenario/${r.key}` }, r.name));
      link.dataset.key = r.key;
    } catch (err) {
      byId('scenario-link').textContent = err.message;
    }
  });
}

// The panel is for editors (the Région's planners, the network).
export function showScenarioPanel() {
  byId('scenario-panel').hidden = !isEditor();
}

// #scenario/KEY: the saved scenario replayed on the map.
export async function showSharedScenario(key) {
  showScenarioPanel();
  try {
    begin(await api(`/scenarios/shared/${encodeURIComponent(key)}`));
  } catch (err) {
    byId('scenario-figures').textContent = err.message;
  }
}
