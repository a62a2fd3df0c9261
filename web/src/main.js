// Maillage web application: one page, one module per view (views/), shared helpers in lib/ (API client, DOM
// built from text nodes, French formats, the base map). All data comes from the JSON API under /api/v1; the
// views are chosen by the address's fragment (#carte, #annuaire, #lieu/ID, ...).
import 'leaflet/dist/leaflet.css';
import './style.css';
import { api } from './lib/api.js';
import { fillSelects } from './lib/dom.js';
import { refreshSession } from './lib/session.js';
import { initAccount, showAccount } from './views/account.js';
import { initAdmin, showAdmin } from './views/admin.js';
import { initBooking, showBooking } from './views/booking.js';
import { initContribute, showContribute, showFollow } from './views/contribute.js';
import { initDirectory, showDirectory } from './views/directory.js';
import { showEvents, showRegistration } from './views/events.js';
import { showIndicators } from './views/indicators.js';
import { initMap, showMap } from './views/map.js';
import { showSharedScenario } from './views/scenario.js';
import { initModeration, showModeration } from './views/moderation.js';
import { initNetwork, showNetwork } from './views/network.js';
import { initKeys, showKey } from './views/keys.js';
import { initPlace, showPlace } from './views/place.js';
import { initPlanning, showPlanning } from './views/planning.js';
import { showQuality } from './views/quality.js';
import { initResources, showResources } from './views/resources.js';
import { initSignin, showSignin } from './views/signin.js';

// Each view: the function that fills it when it is shown (with the fragment's argument, e.g. a place id).
const VIEWS = {
  carte: showMap,
  annuaire: showDirectory,
  lieu: (arg) => showPlace(decodeURIComponent(arg || '')),
  indicateurs: showIndicators,
  planification: showPlanning,
  reserver: showBooking,
  connexion: showSignin,
  cle: showKey,
  compte: showAccount,
  admin: showAdmin,
  contribuer: showContribute,
  contribution: showFollow,
  moderation: showModeration,
  qualite: showQuality,
  evenements: showEvents,
  inscription: showRegistration,
  ressources: showResources,
  reseau: showNetwork,
  scenario: async (key) => {
    showMap();
    await showSharedScenario(decodeURIComponent(key || ''));
  },
};
// Views shown in another view's section (a shared scenario is the map).
const SECTION = { scenario: 'carte' };

async function route() {
  const [view, ...rest] = (location.hash.slice(1) || 'carte').split('/');
  const arg = rest.join('/');
  const name = view in VIEWS ? view : 'carte';
  const section = SECTION[name] || name;
  for (const s of document.querySelectorAll('.view')) s.hidden = s.id !== `view-${section}`;
  for (const a of document.querySelectorAll('nav a')) a.toggleAttribute('aria-current', a.dataset.view === name);
  await VIEWS[name](arg);
}

// The territory is configuration (territory.json): its name in the title, its departments in the selects.
const territory = api('/territory').then((t) => {
  document.title = `Maillage — tiers-lieux de ${t.name}`;
  document.querySelector('header h1 span').textContent = `tiers-lieux de ${t.name}`;
  fillSelects(t.departments);
});
initDirectory();
initPlanning();
initBooking();
initPlace();
initSignin();
initKeys();
initAccount();
initAdmin();
initContribute();
initModeration();
initResources();
initNetwork();
Promise.all([territory, refreshSession()]).then(initMap).then(route);
window.addEventListener('hashchange', route);
