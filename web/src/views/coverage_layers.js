// The coverage layers of the map: the drive time of each 1 km cell (painted into one image) and the zones
// blanches (outlines), with one legend that names what is shown.
import L from 'leaflet';
import { api } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { fmtInt } from '../lib/format.js';

const BANDS = [
  [10, '#1a9850'],
  [20, '#91cf60'],
  [30, '#fee08b'],
  [45, '#fc8d59'],
  [Infinity, '#d73027'],
];
const UNREACHABLE = '#4d4d4d'; // a cell the road graph does not reach
const ZONE = { color: '#4a1f6e', weight: 1.4, fillColor: '#7b3fa8', fillOpacity: 0.3 };
const bandColour = (m) => (m == null ? UNREACHABLE : BANDS.find(([lim]) => m <= lim)[1]);

function bandLabel(i) {
  const [lim] = BANDS[i];
  if (i === 0) return `≤ ${lim} min`;
  if (lim === Infinity) return `> ${BANDS[i - 1][0]} min`;
  return `${BANDS[i - 1][0]}–${lim} min`;
}

// Coverage in time: a fixed place within 20 min, only an itinerant stop (part-time), or neither.
const IN_TIME = { permanent: '#1a9850', part_time: '#f4a30b', none: '#d73027' };
const IN_TIME_LABEL = {
  permanent: 'un lieu fixe à 20 min ou moins',
  part_time: 'seulement un arrêt itinérant (au moins 1 h par semaine)',
  none: "ni l'un ni l'autre",
};

// One cell per 1 km square, coloured by drive time (or by `colour`), drawn once into a canvas turned into an
// image overlay.
function cellsImage(gj, colour = (p) => bandColour(p.minutes)) {
  let minX = 180;
  let minY = 90;
  let maxX = -180;
  let maxY = -90;
  const cells = [];
  for (const f of gj.features) {
    const ring = f.geometry.coordinates[0];
    const xs = ring.map((c) => c[0]);
    const ys = ring.map((c) => c[1]);
    const c = { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
    c.colour = colour(f.properties);
    minX = Math.min(minX, c.x0);
    maxX = Math.max(maxX, c.x1);
    minY = Math.min(minY, c.y0);
    maxY = Math.max(maxY, c.y1);
    cells.push(c);
  }
  const W = 1400;
  const H = Math.round((W * (maxY - minY)) / ((maxX - minX) * Math.cos((45.5 * Math.PI) / 180)));
  const canvas = el('canvas', { width: W, height: H });
  const ctx = canvas.getContext('2d');
  const X = (x) => ((x - minX) / (maxX - minX)) * W;
  const Y = (y) => ((maxY - y) / (maxY - minY)) * H;
  for (const c of cells) {
    ctx.fillStyle = c.colour;
    ctx.fillRect(X(c.x0), Y(c.y1), Math.max(1, X(c.x1) - X(c.x0)), Math.max(1, Y(c.y0) - Y(c.y1)));
  }
  const bounds = [
    [minY, minX],
    [maxY, maxX],
  ];
  return L.imageOverlay(canvas.toDataURL(), bounds, { opacity: 0.75, interactive: false });
}

export function coverageLayers(map, placesLayer) {
  const legend = byId('legend');
  let cells = null;
  let zones = null;
  let inTime = null;
  const shown = { cells: false, zones: false, time: false };

  const drawLegend = () => {
    const parts = [];
    if (shown.cells) {
      const when = byId('cells-open-at');
      const at = when.value
        ? ` ${when.selectedOptions[0].textContent} (lieux fixes et arrêts itinérants présents)`
        : '';
      parts.push(el('strong', {}, `Temps de trajet en voiture vers le tiers-lieu ouvert le plus proche${at}`));
      BANDS.forEach(([, col], i) =>
        parts.push(el('div', { class: 'key' }, el('span', { style: `background:${col}` }), bandLabel(i))),
      );
      const swatch = el('span', { style: `background:${UNREACHABLE}` });
      parts.push(el('div', { class: 'key' }, swatch, 'non relié au réseau routier'));
    }
    if (shown.time) {
      parts.push(el('strong', {}, 'Couverture dans le temps (deux semaines) : à 20 min ou moins de…'));
      for (const [k, col] of Object.entries(IN_TIME))
        parts.push(el('div', { class: 'key' }, el('span', { style: `background:${col}` }), IN_TIME_LABEL[k]));
    }
    if (shown.zones) {
      const swatch = el('span', { class: 'zone-swatch' });
      parts.push(
        el('div', { class: 'key zone' }, swatch, 'Zone blanche : plus de 20 min du tiers-lieu ouvert le plus proche'),
      );
    }
    legend.replaceChildren(...parts);
    legend.hidden = parts.length === 0;
  };

  const toggleCells = async (on) => {
    shown.cells = on;
    if (!on) cells?.remove();
    else {
      const when = byId('cells-open-at').value;
      cells ||= cellsImage(await api(`/coverage/cells.geojson${when ? `?open_at=${encodeURIComponent(when)}` : ''}`));
      map.getContainer().dataset.cellsOpenAt = when;
      if (shown.cells) cells.addTo(map);
    }
    drawLegend();
    placesLayer.bringToFront?.();
  };

  const toggleZones = async (on) => {
    shown.zones = on;
    if (!on) zones?.remove();
    else {
      const gj = await api('/coverage/zones.geojson');
      zones?.remove();
      zones = L.geoJSON(gj, {
        style: ZONE,
        onEachFeature: (f, layer) => {
          const p = f.properties;
          const s = p.suggested_site;
          const site = s ? ` ; un lieu à ${s.name} en couvrirait ${fmtInt.format(s.population_added)}` : '';
          const text = `Zone blanche n° ${p.rank} : ${fmtInt.format(p.population)} hab., ${p.area_km2} km²${site}`;
          layer.bindTooltip(() => el('span', {}, text));
        },
      });
      if (shown.zones) zones.addTo(map);
      map.getContainer().dataset.zones = String(gj.features.length);
    }
    drawLegend();
  };

  const toggleTime = async (on) => {
    shown.time = on;
    if (!on) inTime?.remove();
    else {
      const gj = await api('/coverage/cells.geojson?part_time=true');
      inTime ||= cellsImage(gj, (p) => IN_TIME[p.coverage] || UNREACHABLE);
      if (shown.time) inTime.addTo(map);
      map.getContainer().dataset.partTime = String(
        gj.features.filter((f) => f.properties.coverage === 'part_time').length,
      );
    }
    drawLegend();
    placesLayer.bringToFront?.();
  };

  byId('layer-cells').addEventListener('change', (e) => toggleCells(e.target.checked));
  byId('layer-time').addEventListener('change', (e) => toggleTime(e.target.checked));
  byId('layer-zones').addEventListener('change', (e) => toggleZones(e.target.checked));
  byId('cells-open-at').addEventListener('change', () => {
    cells?.remove();
    cells = null;
    if (shown.cells) toggleCells(true);
  });
}
