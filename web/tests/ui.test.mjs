// Browser tests of the web application: Debian's Chromium driven by playwright-core, against the real
// `maillage serve` on the bundled data (a fresh database and graph in a temporary folder). Screenshots are kept
// in $MAILLAGE_ARTIFACTS (default web/test-results). Run: MAILLAGE_BIN=build/release/apps/maillage node --test tests/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.MAILLAGE_BIN;
const artifacts = process.env.MAILLAGE_ARTIFACTS || join(here, '..', 'test-results');
mkdirSync(artifacts, { recursive: true });
let server, serverLog = '', base, browser, dir;

const freePort = () => new Promise((ok) => { const s = createServer().listen(0, () => { const p = s.address().port; s.close(() => ok(p)); }); });
const api = async (path) => (await fetch(base + '/api/v1' + path)).json();

before(async () => {
  assert.ok(bin, 'MAILLAGE_BIN must name the maillage binary');
  dir = mkdtempSync(join(tmpdir(), 'maillage-ui-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(bin, ['--db', join(dir, 'm.db'), '--graph', join(dir, 'g.graph'), 'serve', '--port', String(port),
    '--web', join(here, '..', 'dist')], { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stderr.on('data', (d) => { serverLog += d; });
  for (let i = 0; i < 600; i++) {
    try { if ((await fetch(base + '/api/v1/health')).ok) break; } catch { /* not yet listening */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  if (server) {
    const exited = new Promise((ok) => server.on('exit', (code) => ok(code)));
    server.kill('SIGTERM');
    assert.equal(await exited, 0, 'the server stops cleanly on SIGTERM');
    assert.match(serverLog, /stopped/);
  }
  rmSync(dir, { recursive: true, force: true });
});

async function page(width = 1280, height = 800) {
  const p = await browser.newPage({ viewport: { width, height } });
  p.errors = [];
  p.on('pageerror', (e) => p.errors.push(e.message));
  return p;
}
const shot = (p, name) => p.screenshot({ path: join(artifacts, `${name}.png`) });
const countIn = (text) => Number(text.match(/\d+/)[0]);

test('the map shows every place of the registry, and a filter narrows them', async () => {
  const p = await page();
  await p.goto(base + '/');
  await p.waitForSelector('#map[data-outlines=loaded]');
  await p.waitForSelector('#count:has-text("lieu")');
  const all = await api('/places?limit=1');
  assert.equal(countIn(await p.textContent('#count')), all.total);
  assert.equal(Number(await p.getAttribute('#map', 'data-places')), all.total);
  assert.ok(all.total > 100);
  await shot(p, 'map');
  await p.selectOption('#filters select[name=department]', '33');
  const gironde = await api('/places?limit=1&department=33');
  await p.waitForFunction((n) => document.querySelector('#map').dataset.places === String(n), gironde.total);
  assert.ok(gironde.total > 0 && gironde.total < all.total);
  assert.equal(countIn(await p.textContent('#count')), gironde.total);
  await shot(p, 'map-gironde');
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('a click on the map gives the creation-eligibility verdict of the API, with its route', async () => {
  const p = await page();
  await p.goto(base + '/');
  await p.waitForSelector('#map[data-outlines=loaded]');
  const box = await p.locator('#map').boundingBox();
  await p.mouse.click(box.x + box.width * 0.55, box.y + box.height * 0.5);
  const h = await p.waitForSelector('#verdict h3[data-verdict]', { timeout: 15000 });
  const [lat, lon] = (await h.textContent()).match(/-?\d+\.\d+/g).map(Number);
  const expected = await api(`/eligibility/creation?lon=${lon}&lat=${lat}`);
  assert.equal(await h.getAttribute('data-verdict'), expected.verdict);
  assert.match(await p.textContent('#verdict'), new RegExp(expected.nearest.name.replace(/[()]/g, '.')));
  await shot(p, 'eligibility-click');
  // A commune by name: Tulle has an open place within 20 minutes.
  await p.fill('#commune-search input', 'Tulle');
  await p.click('#commune-search button');
  await p.waitForSelector('#verdict h3:has-text("Tulle")');
  const tulle = await api('/eligibility/creation?commune=19272');
  assert.equal(await p.getAttribute('#verdict h3', 'data-verdict'), tulle.verdict);
  assert.equal(tulle.verdict, 'not_eligible');
  await shot(p, 'eligibility-tulle');
  await p.close();
});

test('the coverage layer and the zones blanches', async () => {
  const p = await page();
  await p.goto(base + '/');
  await p.waitForSelector('#map[data-outlines=loaded]');
  await p.check('#layer-cells');
  await p.waitForSelector('#legend:not([hidden]) .key');
  assert.match(await p.textContent('#legend'), /≤ 10 min/);
  await p.waitForSelector('#map img.leaflet-image-layer');
  await p.check('#layer-zones');
  const zones = await api('/coverage/zones.geojson');
  assert.ok(zones.features.length > 0);
  await p.waitForFunction(() => document.querySelector('#map').dataset.zones !== undefined);
  assert.equal(Number(await p.getAttribute('#map', 'data-zones')), zones.features.length);
  await shot(p, 'coverage-layers');
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('the indicators page shows the figures of the API', async () => {
  const p = await page();
  await p.goto(base + '/#indicateurs');
  await p.waitForSelector('#kpi-open strong');
  const ind = await api('/indicators');
  const cov = await api('/coverage');
  const digits = (s) => s.replace(/\D/g, '');
  assert.equal(digits(await p.textContent('#kpi-open strong')), String(ind.open_places));
  assert.equal(await p.textContent('#kpi-share strong'),
    new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 1 }).format(cov.share));
  assert.equal(await p.locator('#dep-table tbody tr').count(), ind.departments.length);
  const g = ind.departments.find((d) => d.dep === '33');
  assert.equal(digits(await p.textContent('#dep-table tr[data-dep="33"] td:nth-child(3)')), String(g.open_places));
  await shot(p, 'indicators');
  await p.close();
});

test('the directory searches, pages and opens a place sheet', async () => {
  const p = await page();
  await p.goto(base + '/#annuaire');
  await p.waitForSelector('#dir-table tbody tr');
  assert.equal(await p.locator('#dir-table tbody tr').count(), 25);
  await p.fill('#dir-form input[name=q]', 'fablab');
  const expected = await api('/places?q=fablab&limit=25');
  await p.waitForFunction((n) => document.querySelectorAll('#dir-table tbody tr').length === n, expected.items.length);
  assert.equal(await p.textContent('#dir-table tbody tr:first-child td:first-child'), expected.items[0].name);
  assert.match(await p.getAttribute('#dl-csv', 'href'), /places\.csv\?q=fablab/);
  await p.click('#dir-table tbody tr:first-child a');
  await p.waitForSelector(`#h-lieu:has-text("${expected.items[0].name.replace(/"/g, '\\"')}")`);
  assert.ok(await p.locator('#history li').count() >= 1);
  await shot(p, 'place-sheet');
  await p.close();
});

test('planning shows the suggested sites and the curve', async () => {
  const p = await page();
  await p.goto(base + '/#planification');
  await p.waitForSelector('#plan-list li');
  await p.fill('#plan-form input[name=k]', '3');
  await p.click('#plan-form button');
  await p.waitForFunction(() => document.querySelectorAll('#plan-list li').length === 3);
  const r = await api('/plan/best?k=3');
  const items = await p.locator('#plan-list li').allTextContents();
  r.sites.forEach((s, i) => assert.ok(items[i].startsWith(s.name), `${items[i]} is ${s.name}`));
  assert.equal(await p.locator('#plan-map .site').count(), 3);
  await shot(p, 'planning');
  await p.close();
});

test('booking: a member finds and books a desk, then cancels; the manager records a phone booking', async () => {
  const cli = (...args) => execFileSync(bin, ['--db', join(dir, 'm.db'), '--graph', join(dir, 'g.graph'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const secret = (out) => out.match(/mlg_\S+/)[0];
  const place = (await api('/places?department=23&status=open&limit=1')).items[0];
  for (let d = 1; d <= 7; d++) cli('booking', 'hours', '--place', place.id, '--weekday', String(d), '--hours-of-day', '09:00-18:00');
  cli('booking', 'add-resource', '--place', place.id, '--kind', 'desk', '--desk-kind', 'dropin', '--name', 'Bureaux nomades', '--units', '2', '--price-day', '15');
  cli('booking', 'add-member', '--name', 'Anne', '--email', 'anne@example.org');
  cli('booking', 'membership', '--member', '1', '--place', place.id);
  const member = secret(cli('tokens', 'create', '--role', 'member', '--member', '1'));
  const manager = secret(cli('tokens', 'create', '--role', 'manager', '--place', place.id));
  const day = new Date(Date.now() + 7 * 86400e3).toISOString().slice(0, 10);

  const p = await page();
  await p.goto(base + '/#reserver');
  await p.fill('#token-form input[name=token]', member);
  await p.click('#token-form button');
  await p.waitForSelector('#who:has-text("membre n° 1")');
  await p.fill('#desk-search input[name=commune]', place.insee_code);
  await p.fill('#desk-search input[name=date]', day);
  await p.fill('#desk-search input[name=minutes]', '60');
  await p.click('#desk-search button[type=submit]');
  await p.waitForSelector(`#desk-results li:has-text("${place.name.replace(/"/g, '\\"')}")`);
  await p.click('#desk-results li button');
  await p.waitForSelector('#res-message:has-text("confirmée")');
  await p.waitForSelector('#my-bookings li[data-booking]');
  assert.match(await p.textContent('#my-bookings'), /Bureaux nomades.*confirmée.*15\.00 €/);
  await shot(p, 'booking-member');
  await p.click('#my-bookings li button');
  await p.waitForSelector('#my-bookings li:has-text("annulée")');

  await p.fill('#token-form input[name=token]', manager);
  await p.click('#token-form button');
  await p.waitForSelector('#who:has-text("gérant")');
  assert.equal(await p.isHidden('#member-area'), true);
  await p.fill('#phone-form input[name=member]', '1');
  await p.fill('#phone-form input[name=date]', day);
  await p.fill('#phone-form input[name=weeks]', '3');
  await p.click('#phone-form button');
  await p.waitForSelector('#res-message:has-text("Série de 3 réservations enregistrée")');
  await p.fill('#day-form input[name=date]', day);
  await p.click('#day-form button');
  await p.waitForSelector('#day-table tbody tr:has-text("téléphone"), #day-table tbody tr:has-text("phone")');
  const rows = await p.locator('#day-table tbody tr').allTextContents();
  assert.equal(rows.length, 2);  // the member's (cancelled) and the phone booking
  assert.ok(rows.some((r) => /manager.*\(phone\)/.test(r)), rows.join(' | '));
  await shot(p, 'booking-manager');
  // Back as the member: the weekly series is listed, and cancelled from its first week in one click.
  await p.fill('#token-form input[name=token]', member);
  await p.click('#token-form button');
  await p.waitForSelector('#my-bookings li button.series');
  assert.equal(await p.locator('#my-bookings li:has(button.series)').count(), 3);
  await p.locator('#my-bookings li button.series').first().click();
  await p.waitForSelector('#res-message:has-text("3 réservations de la série annulées")');
  await p.waitForFunction(() => !document.querySelector('#my-bookings li button.series'));
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('keyboard and phone width', async () => {
  const p = await page(390, 844);
  await p.goto(base + '/');
  await p.waitForSelector('#map[data-outlines=loaded]');
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 390 px (overflow ${overflow})`);
  await shot(p, 'phone');
  // Tab to the directory link and follow it with Enter.
  for (let i = 0; i < 6; i++) {
    await p.keyboard.press('Tab');
    if (await p.evaluate(() => document.activeElement?.dataset?.view === 'annuaire')) break;
  }
  assert.equal(await p.evaluate(() => document.activeElement?.dataset?.view), 'annuaire');
  await p.keyboard.press('Enter');
  await p.waitForSelector('#view-annuaire:not([hidden]) #dir-table tbody tr');
  await p.close();
});

test('the first load of the map page transfers at most 2 MB', async () => {
  const p = await page();
  let bytes = 0;
  const cdp = await p.context().newCDPSession(p);
  await cdp.send('Network.enable');
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  await p.goto(base + '/');
  await p.waitForSelector('#map[data-outlines=loaded]');
  await p.waitForLoadState('networkidle');
  console.log(`first load: ${(bytes / 1e6).toFixed(2)} MB transferred`);
  assert.ok(bytes > 100000 && bytes <= 2e6, `${bytes} bytes`);
  await p.close();
});

test('the base map: sea, roads and town names, then commune outlines and local roads when zoomed in', async () => {
  const p = await page();
  await p.goto(base + '/');
  await p.waitForSelector('#map[data-outlines=loaded][data-roads-main][data-labels]');
  const main = await api('/territory/roads.geojson?level=main');
  assert.equal(Number(await p.getAttribute('#map', 'data-roads-main')), main.features.length);
  assert.ok(main.features.every((f) => ['motorway', 'trunk'].includes(f.properties.class)));
  // At the region's zoom only the big towns are named; no commune outlines nor departmental roads yet.
  const names = await p.locator('#map .town span').allTextContents();
  assert.ok(names.includes('Bordeaux') && names.includes('Limoges'), names.join(', '));
  assert.ok(names.length >= 5 && names.length <= 40, `${names.length} names`);
  assert.equal(await p.getAttribute('#map', 'data-communes'), null);
  assert.equal(await p.locator('#map .leaflet-sea-pane path').count(), 1);
  // Zoomed on a commune: its outline, the D roads and the names of the villages around.
  await p.fill('#commune-search input', 'Guéret');
  await p.click('#commune-search button');
  await p.waitForSelector('#map[data-communes][data-roads-local]');
  const local = await api('/territory/roads.geojson?level=local');
  assert.equal(Number(await p.getAttribute('#map', 'data-roads-local')), local.features.length);
  assert.ok(local.features.length > 5000);
  await p.waitForFunction(() => [...document.querySelectorAll('#map .town span')].some((s) => s.textContent === 'Ahun'));
  const village = await p.locator('#map .town span').allTextContents();
  assert.ok(village.includes('Guéret') && village.length > names.length, village.join(', '));
  // Names never overlap.
  const boxes = await p.$$eval('#map .town span', (spans) => spans.map((s) => s.getBoundingClientRect().toJSON()));
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      assert.ok(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top, `${village[i]} / ${village[j]}`);
    }
  await shot(p, 'basemap-gueret');
  // One legend names the drive-time bands and the zones blanches, each with its own style.
  await p.check('#layer-cells');
  await p.check('#layer-zones');
  await p.waitForFunction(() => document.querySelector('#map').dataset.zones !== undefined);
  await p.waitForSelector('#map img.leaflet-image-layer');
  await p.waitForFunction(() => document.querySelectorAll('#legend .key').length === 7);
  const legend = await p.textContent('#legend');
  assert.match(legend, /≤ 10 min/);
  assert.match(legend, /Zone blanche/);
  assert.doesNotMatch(legend, /inaccessible/);
  const swatches = await p.$$eval('#legend .key span', (s) => s.map((x) => getComputedStyle(x).backgroundColor));
  assert.equal(new Set(swatches).size, swatches.length, `distinct swatches: ${swatches.join(' ')}`);
  await shot(p, 'basemap-layers');
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('hostile text in every field is shown as text: no script runs and the CSP holds', async () => {
  const cli = (...args) =>
    execFileSync(bin, ['--db', join(dir, 'm.db'), '--graph', join(dir, 'g.graph'), ...args], { encoding: 'utf8' });
  const evil = (f) => `<img src=x onerror="window.__xss='${f}'"><script>window.__xss='${f}'</script>"'&amp;`;
  const out = cli('places', 'add', '--name', `XSS ${evil('name')}`, '--commune', '23096', '--type', 'coworking',
    '--status', 'open', '--opening', '2019', '--address', evil('address'), '--set', `notes=${evil('notes')}`,
    '--set', `source=${evil('source')}`, '--set', `legal_form=${evil('legal')}`,
    '--set', `website=https://example.org/"><img src=x onerror="window.__xss='url'">`);
  const id = out.match(/added (\S+)/)[1];
  for (let d = 1; d <= 7; d++) cli('booking', 'hours', '--place', id, '--weekday', String(d), '--hours-of-day', '08:00-20:00');
  cli('booking', 'add-resource', '--place', id, '--kind', 'desk', '--desk-kind', 'dropin', '--name', evil('resource'), '--units', '3');
  const memberId = cli('booking', 'add-member', '--name', evil('member'), '--email', 'evil@example.org').match(/member (\d+)/)[1];
  cli('booking', 'membership', '--member', memberId, '--place', id);
  const member = cli('tokens', 'create', '--role', 'member', '--member', memberId).match(/mlg_\S+/)[0];
  const manager = cli('tokens', 'create', '--role', 'manager', '--place', id).match(/mlg_\S+/)[0];

  const p = await page();
  await p.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective));
  });
  const clean = async (where) => {
    assert.equal(await p.evaluate(() => window.__xss), undefined, `a script ran (${where})`);
    assert.equal(await p.locator('img[src="x"]').count(), 0, `an <img> was made from text (${where})`);
    assert.deepEqual(await p.evaluate(() => window.__violations), [], `CSP violations (${where})`);
  };
  // The map: the marker's tooltip and popup.
  await p.goto(base + '/');
  await p.waitForSelector('#map[data-outlines=loaded]');
  await p.fill('#filters input[name=q]', 'XSS');
  await p.waitForFunction(() => document.querySelector('#map').dataset.places === '1');
  const place = (await api(`/places/${encodeURIComponent(id)}`));
  const at = await p.evaluate(([lat, lon]) => window.maillageMaps.map.latLngToContainerPoint([lat, lon]), [place.lat, place.lon]);
  const box = await p.locator('#map').boundingBox();
  await p.mouse.move(box.x + at.x, box.y + at.y);
  await p.waitForSelector('.leaflet-tooltip');
  assert.match(await p.textContent('.leaflet-tooltip'), /XSS <img src=x onerror=/);
  await p.mouse.click(box.x + at.x, box.y + at.y);
  await p.waitForSelector('.leaflet-popup-content');
  assert.match(await p.textContent('.leaflet-popup-content'), /<script>/);
  await clean('map');
  // The eligibility verdict lists it among the nearby places.
  await p.fill('#commune-search input', 'Guéret');
  await p.click('#commune-search button');
  await p.waitForSelector('#verdict h3');
  assert.match(await p.textContent('#verdict'), /XSS <img/);
  await clean('verdict');
  // The directory and the sheet.
  await p.goto(base + '/#annuaire');
  await p.fill('#dir-form input[name=q]', 'XSS');
  await p.waitForFunction(() => document.querySelectorAll('#dir-table tbody tr').length === 1);
  await p.click('#dir-table tbody a');
  await p.waitForSelector('#h-lieu:has-text("XSS")');
  assert.match(await p.textContent('#sheet'), /onerror="window.__xss='notes'"/);
  assert.equal(await p.getAttribute('#sheet a[rel~=noopener]', 'href'), place.website);
  await clean('sheet');
  // Booking: the place and the resource in the search results and in one's bookings; the manager's day.
  await p.goto(base + '/#reserver');
  await p.fill('#token-form input[name=token]', member);
  await p.click('#token-form button');
  await p.waitForSelector('#member-area:not([hidden])');
  await p.fill('#desk-search input[name=commune]', '23096');
  await p.fill('#desk-search input[name=minutes]', '10');
  await p.click('#desk-search button[type=submit]');
  await p.waitForSelector('#desk-results li:has-text("XSS")');
  await p.click('#desk-results li:has-text("XSS") button');
  await p.waitForSelector('#my-bookings li[data-booking]');
  assert.match(await p.textContent('#my-bookings'), /<script>window.__xss='resource'/);
  await p.fill('#token-form input[name=token]', manager);
  await p.click('#token-form button');
  await p.waitForSelector('#day-table tbody tr');
  assert.match(await p.textContent('#day-table'), /<img src=x/);
  await clean('booking');
  // Nothing secret is stored by the page apart from the token typed for booking (issue #20 replaces it).
  await shot(p, 'hostile-text');
  assert.deepEqual(p.errors, []);
  await p.close();
});
