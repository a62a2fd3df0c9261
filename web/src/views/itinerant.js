// Itinerant tiers-lieux: their stops on the map (with the route of a day), a sheet's timetable with the next
// passage, and the tour planner (base, days, hours -> tours on the map with the population gained).
import L from 'leaflet';
import { api } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { fmtInt, inseeOf } from '../lib/format.js';

const DAY_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2'];
const stopIcon = (label) => L.divIcon({ className: 'stop', html: el('span', {}, label), iconSize: [18, 18] });

function passageText(p) {
  return `${p.weekday} ${p.date}, ${p.start}–${p.end}`;
}

// The stops of every itinerant place open today; a stop's popup offers the route of its next day on the road.
export async function itinerantLayer(map) {
  const layer = L.layerGroup().addTo(map);
  const routeLayer = L.layerGroup().addTo(map);
  const data = await api('/itinerant');
  for (const it of data.items) {
    it.stops.forEach((s, i) => {
      const next = it.next_passage?.stop === i + 1 ? `Prochain passage : ${passageText(it.next_passage)}` : '';
      const showRoute = async (date) => {
        const gj = await api(`/places/${encodeURIComponent(it.place_id)}/route.geojson?date=${date}`);
        routeLayer.clearLayers();
        L.geoJSON(gj, { style: { color: '#6a3d9a', weight: 4, opacity: 0.85 } }).addTo(routeLayer);
        const p = gj.features[0].properties;
        byId('itinerant-route').textContent =
          `Trajet du ${date} : ${p.stops.map((x) => x.name).join(' → ')} (${p.drive_minutes} min de route)`;
        map.getContainer().dataset.routePoints = String(gj.features[0].geometry?.coordinates.length || 0);
        map.getContainer().dataset.route = date;
      };
      const date = it.next_passage?.date;
      L.marker([s.lat, s.lon], { icon: stopIcon(String(i + 1)), title: s.name, keyboard: true })
        .bindPopup(() =>
          el(
            'div',
            { class: 'popup' },
            el('strong', {}, it.name),
            el('br'),
            `Arrêt ${i + 1} : ${s.name} (${s.commune || s.insee_code})`,
            el('br'),
            `Horaires : ${s.hours}`,
            el('br'),
            next,
            next ? el('br') : '',
            date ? el('button', { type: 'button', onclick: () => showRoute(date) }, 'Trajet du prochain jour') : '',
            ' ',
            el('a', { href: `#lieu/${encodeURIComponent(it.place_id)}` }, 'Voir la fiche'),
          ),
        )
        .bindTooltip(() => el('span', {}, `${it.name} — ${s.name}`))
        .addTo(layer);
    });
  }
  const n = data.items.reduce((a, it) => a + it.stops.length, 0);
  map.getContainer().dataset.stops = String(n);
  byId('itinerant-count').textContent = n
    ? `${n} arrêts de ${data.items.length} tiers-lieu(x) itinérant(s) (carrés numérotés)`
    : '';
  return layer;
}

// The timetable on an itinerant place's sheet: its stops, the next passage, the passages of two weeks.
export async function showTimetable(p) {
  const box = byId('place-timetable');
  box.replaceChildren();
  if (!(p.types || []).includes('itinerant')) return;
  let t;
  try {
    t = await api(`/places/${encodeURIComponent(p.id)}/timetable`);
  } catch {
    return;
  }
  const rows = t.passages.map((x) =>
    el(
      'tr',
      {},
      el('td', {}, x.date),
      el('td', {}, x.weekday),
      el('td', {}, `${x.start}–${x.end}`),
      el('td', {}, x.name),
    ),
  );
  const head = el('tr', {}, ...['Date', 'Jour', 'Horaires', 'Arrêt'].map((h) => el('th', { scope: 'col' }, h)));
  box.append(
    el('h3', {}, 'Tournée'),
    el(
      'p',
      { id: 'next-passage' },
      t.next_passage
        ? `Prochain passage : ${t.next_passage.name}, ${passageText(t.next_passage)}`
        : 'Aucun passage prévu.',
    ),
    el('p', {}, `${t.stops.length} arrêts${t.base ? `, au départ de ${t.base.name}` : ''}.`),
    el('table', { id: 'timetable' }, el('caption', {}, `Deux semaines à partir du ${t.period_from}`), head, ...rows),
  );
}

// The tour planner, on the planning view's map.
export function initTourPlanner(getMap) {
  let layer;
  byId('tour-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const status = byId('tour-status');
    const f = new FormData(e.target);
    const p = new URLSearchParams();
    for (const k of ['days', 'weeks', 'day_hours', 'stop_hours']) if (f.get(k)) p.set(k, f.get(k));
    const base = String(f.get('base') || '').trim();
    p.set('base', inseeOf(base) || base); // "Ruffec (16292)" from the list, or a name
    status.textContent = 'Calcul des tournées…';
    let r;
    try {
      r = await api(`/plan/tour?${p}`);
    } catch (err) {
      status.textContent = err.field ? `${err.field} : ${err.message}` : err.message;
      return;
    }
    const map = getMap();
    layer?.remove();
    layer = L.geoJSON(r.geojson, {
      style: (ft) => ({ color: DAY_COLOURS[(ft.properties.day - 1) % DAY_COLOURS.length], weight: 3 }),
      pointToLayer: (ft, at) =>
        ft.properties.kind === 'base'
          ? L.marker(at, { title: `Base : ${ft.properties.name}` })
          : L.marker(at, { icon: stopIcon(String(ft.properties.day)), title: ft.properties.name }),
      onEachFeature: (ft, l) => {
        const q = ft.properties;
        if (q.kind === 'stop')
          l.bindTooltip(() =>
            el(
              'span',
              {},
              `Jour ${q.day} : ${q.name}, ${q.arrive}–${q.depart}, +${fmtInt.format(q.population_gained)} hab.`,
            ),
          );
      },
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { maxZoom: 10 });
    const rows = r.stops.map((s) =>
      el(
        'tr',
        {},
        el('td', {}, String(s.day)),
        el('td', {}, s.weekday),
        el('td', {}, `${s.arrive}–${s.depart}`),
        el('td', {}, s.commune),
        el('td', { class: 'num' }, fmtInt.format(s.population_gained)),
        el('td', {}, s.opening_hours),
      ),
    );
    const head = el(
      'tr',
      {},
      ...['Jour', '', 'Horaires', 'Arrêt', 'Habitants gagnés', 'opening_hours'].map((h) =>
        el('th', { scope: 'col' }, h),
      ),
    );
    byId('tour-table').replaceChildren(head, ...rows);
    status.textContent =
      `Depuis ${r.base.label} : ${r.stops.length} arrêts sur ${r.days.length} jours ; ` +
      `${fmtInt.format(r.population_served)} habitants sans tiers-lieu à ${r.threshold_minutes} min ` +
      `amenés à moins de ${r.threshold_minutes} min d'un arrêt.`;
    byId('tour-table').dataset.served = String(r.population_served);
  });
}
