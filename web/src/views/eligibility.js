// The creation-eligibility check at a point or a commune: the verdict in French with its figures, the nearby
// places and the route drawn on the map.
import L from 'leaflet';
import { api } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { fmtMin } from '../lib/format.js';

const VERDICT = {
  eligible: 'Éligible',
  not_eligible: 'Non éligible',
  to_verify: 'À vérifier',
  cannot_decide: 'Impossible de conclure',
};
let routeLayer;

// The verdict in words, from the figures (the API's `reason` is in English, for the record).
function frenchReason(r) {
  const t = fmtMin.format(r.threshold_minutes);
  if (r.verdict === 'eligible') {
    if (!r.nearest) return 'Aucun tiers-lieu ouvert accessible en voiture.';
    const m = fmtMin.format(r.nearest.minutes);
    return `Aucun tiers-lieu ouvert à ${t} min ou moins : le plus proche est à ${m} min.`;
  }
  if (r.verdict === 'not_eligible') {
    const m = fmtMin.format(r.nearest.minutes);
    return `Un tiers-lieu ouvert est à ${t} min ou moins (${m} min) : la création n'est pas éligible.`;
  }
  if (r.verdict === 'to_verify') {
    const m = fmtMin.format(r.nearest.minutes);
    const e = fmtMin.format(r.margin_minutes);
    return (
      `Le lieu ouvert le plus proche est à ${m} min, à moins de ${e} min du seuil de ${t} min : ` +
      `l'erreur des temps calculés peut le placer d'un côté ou de l'autre. À vérifier sur l'itinéraire ci-dessous.`
    );
  }
  return `Impossible de conclure (${r.reason}).`;
}

function drawRoute(map, r) {
  routeLayer?.remove();
  routeLayer = L.layerGroup().addTo(map);
  const at = { radius: 7, color: '#000', weight: 2, fillColor: '#ffd400', fillOpacity: 1 };
  L.circleMarker([r.at[1], r.at[0]], at).addTo(routeLayer);
  if (r.route_geometry) L.geoJSON(r.route_geometry, { style: { color: '#0050b3', weight: 4 } }).addTo(routeLayer);
}

export async function checkEligibility(map, params, label) {
  const box = byId('verdict');
  box.replaceChildren(el('p', {}, 'Calcul…'));
  try {
    const r = await api(`/eligibility/creation?${params}`);
    drawRoute(map, r);
    const n = r.nearest;
    const near = n
      ? el(
          'p',
          {},
          `Lieu ouvert le plus proche : ${n.name} (${n.commune}), ${fmtMin.format(n.minutes)} min en voiture.`,
        )
      : el('p', {}, 'Aucun lieu ouvert accessible.');
    const within = r.within_1_5_threshold || [];
    const list = el(
      'ul',
      {},
      ...within.slice(0, 6).map((p) => el('li', {}, `${p.name} — ${fmtMin.format(p.minutes)} min`)),
    );
    const d = r.data_used;
    box.replaceChildren(
      el(
        'h3',
        { class: `verdict ${r.verdict}`, 'data-verdict': r.verdict },
        `${label} : ${VERDICT[r.verdict] || r.verdict}`,
      ),
      el('p', {}, frenchReason(r)),
      near,
      within.length ? el('p', {}, `Lieux à moins de ${fmtMin.format(r.threshold_minutes * 1.5)} min :`) : '',
      list,
      el(
        'p',
        { class: 'hint' },
        `Appel ${d.call}, données du ${d.date}, registre révision ${d.registry_revision}` +
          (d.margin_fraction ? `, marge ± ${fmtMin.format(100 * d.margin_fraction)} % des temps.` : '.'),
      ),
    );
  } catch (e) {
    box.replaceChildren(el('p', { class: 'error' }, e.message));
  }
}
