// Words and numbers in French: the registry's codes as the page shows them, and number formats.
export const TYPES = {
  coworking: 'Coworking',
  fablab: 'Fablab',
  atelier_partage: 'Atelier partagé',
  hybride: 'Hybride',
  terres_agricoles: 'Terres agricoles',
  telecentre: 'Télécentre',
  mediation_numerique: 'Médiation numérique',
};
export const STATUS = { open: 'ouvert', project: 'en projet', closed: 'fermé' };
export const STATUS_COLOUR = { open: '#0b6e4f', project: '#b35c00', closed: '#6b6b6b' };

export const fmtInt = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
export const fmtPct = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 1 });
export const fmtMin = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

export const typesLabel = (p) => (p.types || []).map((t) => TYPES[t] || t).join(', ');
// plural(3, 'lieu', 'lieux') → 'lieux'
export const plural = (n, one, many) => (n > 1 ? many : one);

// A commune typed as "Name (INSEE)" or "INSEE" gives its code; otherwise null.
export function inseeOf(text) {
  const m = text.match(/\((\d[\dAB]\d{3})\)$/) || text.match(/^(\d[\dAB]\d{3})$/);
  return m ? m[1] : null;
}
