// The base map, drawn from the bundled data without any tile server: the sea along the region's coast, the
// land of the twelve departments, the commune outlines (from zoom 9), the road skeleton by class (main roads
// always, departmental roads from zoom 9) and the names of towns, more of them as one zooms in. An optional
// tile URL (kept in this browser) draws a tile layer underneath instead of the land colour.
import L from 'leaflet';
import { api } from './api.js';
import { el } from './dom.js';
import { getPref } from './prefs.js';

const DETAIL_ZOOM = 9; // commune outlines and departmental roads from this zoom on

// Each resource is fetched once per page, whichever map asks first.
const loaded = {};
const once = (path) => (loaded[path] ||= api(path));

// Panes from bottom to top; the coverage layers use Leaflet's overlay pane (400), places the marker pane (600).
const PANES = { sea: 200, land: 210, communes: 250, roads: 300, departments: 350, labels: 450 };

const ROAD_STYLE = {
  motorway: { color: '#c2412d', weight: 2.6 },
  trunk: { color: '#d98a1f', weight: 1.9 },
  secondary: { color: '#c49a1a', weight: 1.1, opacity: 0.8 },
};

// Town names: the smallest population named at each zoom (then names that would overlap are left out).
function minPopulation(zoom) {
  if (zoom < 7.5) return 40000;
  if (zoom < 8.5) return 10000;
  if (zoom < 9.5) return 3000;
  if (zoom < 10.5) return 1000;
  if (zoom < 11.5) return 300;
  return 0;
}

function townLabels(m, communes) {
  const layer = L.layerGroup().addTo(m);
  const byPopulation = [...communes].sort((a, b) => b.population - a.population);
  const draw = () => {
    layer.clearLayers();
    const zoom = m.getZoom();
    const bounds = m.getBounds().pad(0.05);
    const min = minPopulation(zoom);
    const placed = [];
    for (const c of byPopulation) {
      if (c.population < min || placed.length >= 160) break;
      if (!bounds.contains([c.lat, c.lon])) continue;
      const size = c.population >= 50000 ? 'big' : c.population >= 10000 ? 'mid' : 'small';
      const pt = m.latLngToContainerPoint([c.lat, c.lon]);
      const w = c.name.length * (size === 'big' ? 7.5 : 6.5) + 8;
      const box = { x0: pt.x - w / 2, x1: pt.x + w / 2, y0: pt.y - 9, y1: pt.y + 9 };
      if (placed.some((b) => b.x0 < box.x1 && box.x0 < b.x1 && b.y0 < box.y1 && box.y0 < b.y1)) continue;
      placed.push(box);
      const icon = L.divIcon({ className: `town ${size}`, html: el('span', {}, c.name), iconSize: null });
      L.marker([c.lat, c.lon], { icon, pane: 'labels', interactive: false, keyboard: false }).addTo(layer);
    }
    m.getContainer().dataset.labels = String(placed.length);
  };
  m.on('zoomend moveend', draw);
  draw();
}

function roads(m, level, minZoom) {
  const renderer = L.canvas({ pane: 'roads' });
  let layer = null;
  const update = async () => {
    const want = m.getZoom() >= minZoom;
    if (want && !layer) {
      const gj = await once(`/territory/roads.geojson?level=${level}`);
      if (layer) return;
      layer = L.geoJSON(gj, {
        renderer,
        interactive: false,
        style: (f) => ROAD_STYLE[f.properties.class] || ROAD_STYLE.secondary,
      });
      m.getContainer().dataset[`roads${level === 'main' ? 'Main' : 'Local'}`] = String(gj.features.length);
    }
    if (!layer) return;
    if (m.getZoom() >= minZoom) layer.addTo(m);
    else layer.remove();
  };
  m.on('zoomend', update);
  update();
}

function communeOutlines(m) {
  const renderer = L.canvas({ pane: 'communes' });
  let layer = null;
  const update = async () => {
    if (m.getZoom() < DETAIL_ZOOM) {
      layer?.remove();
      return;
    }
    if (!layer) {
      const gj = await once('/territory/communes.geojson');
      layer ||= L.geoJSON(gj, {
        renderer,
        interactive: false,
        style: { color: '#8e96b0', weight: 0.7, dashArray: '3 3', fill: false },
      });
      m.getContainer().dataset.communes = String(gj.features.length);
    }
    if (m.getZoom() >= DETAIL_ZOOM) layer.addTo(m);
  };
  m.on('zoomend', update);
  update();
}

// A map in the element `id`, fitted to the region once the outlines are drawn.
export function baseMap(id) {
  const m = L.map(id, { preferCanvas: true, zoomSnap: 0.25, minZoom: 5, maxZoom: 16 }).setView([45.7, 0.2], 7);
  for (const [name, z] of Object.entries(PANES)) m.createPane(name).style.zIndex = String(z);
  const url = getPref('tiles');
  if (url) L.tileLayer(url, { maxZoom: 18, attribution: 'fond de carte configuré' }).addTo(m);
  m.attributionControl.setPrefix(false);
  m.attributionControl.addAttribution('IGN, INSEE, © contributeurs OpenStreetMap / Travel Mapping');

  once('/territory/water.geojson').then((gj) => {
    const style = { stroke: false, fillColor: '#a9cbe3', fillOpacity: url ? 0 : 1 };
    L.geoJSON(gj, { renderer: L.svg({ pane: 'sea' }), interactive: false, style }).addTo(m);
  });
  once('/territory/departments.geojson').then((gj) => {
    const land = { stroke: false, fillColor: '#f4f1e8', fillOpacity: url ? 0 : 1 };
    L.geoJSON(gj, { renderer: L.svg({ pane: 'land' }), interactive: false, style: land }).addTo(m);
    const lines = L.geoJSON(gj, {
      renderer: L.canvas({ pane: 'departments' }),
      interactive: false,
      style: { color: '#4b5a70', weight: 1.4, fill: false },
    }).addTo(m);
    m.fitBounds(lines.getBounds(), { padding: [8, 8] });
    m.getContainer().dataset.outlines = 'loaded';
  });
  communeOutlines(m);
  roads(m, 'main', 0);
  roads(m, 'local', DETAIL_ZOOM);
  // The maps by element id, for the browser tests and the console (e.g. maillageMaps.map.getZoom()).
  window.maillageMaps = { ...window.maillageMaps, [id]: m };
  once('/territory/communes').then((c) => {
    const col = Object.fromEntries(c.columns.map((name, i) => [name, i]));
    const towns = c.items.map((x) => ({
      name: x[col.name],
      lon: x[col.lon],
      lat: x[col.lat],
      population: x[col.population] ?? 0,
    }));
    townLabels(m, towns);
  });
  return m;
}

// The commune list (INSEE code, name, department, lon, lat, population), shared with the searches.
export const communeList = () => once('/territory/communes');
