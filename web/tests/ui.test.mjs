// Browser tests of the web application: Debian's Chromium driven by playwright-core, against the real
// `maillage serve` on the bundled data (a fresh database and graph in a temporary folder). Screenshots are kept
// in $MAILLAGE_ARTIFACTS (default web/test-results). Run: MAILLAGE_BIN=build/release/apps/maillage node --test tests/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.MAILLAGE_BIN;
const artifacts = process.env.MAILLAGE_ARTIFACTS || join(here, '..', 'test-results');
mkdirSync(artifacts, { recursive: true });
let server, serverLog = '', base, browser, dir, sink;

const freePort = () => new Promise((ok) => { const s = createServer().listen(0, () => { const p = s.address().port; s.close(() => ok(p)); }); });
const api = async (path) => (await fetch(base + '/api/v1' + path)).json();

before(async () => {
  assert.ok(bin, 'MAILLAGE_BIN must name the maillage binary');
  dir = mkdtempSync(join(tmpdir(), 'maillage-ui-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // A real SMTP server (Debian's python3-aiosmtpd) that keeps each message it receives as JSON.
  const smtpPort = await freePort();
  sink = spawn('/usr/bin/python3', [join(here, '..', '..', 'tests', 'mail', 'smtp_sink.py'), join(dir, 'mail'), String(smtpPort)],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((ok) => sink.stdout.once('data', ok));
  const env = { ...process.env, MAILLAGE_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, MAILLAGE_SMTP_TLS: 'none', MAILLAGE_PUBLIC_URL: base };
  server = spawn(bin, ['--db', join(dir, 'm.db'), '--graph', join(dir, 'g.graph'), 'serve', '--port', String(port),
    '--web', join(here, '..', 'dist'), '--mail-interval', '0.2'], { stdio: ['ignore', 'pipe', 'pipe'], env });
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
  sink?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

const cli = (...args) => execFileSync(bin, ['--db', join(dir, 'm.db'), '--graph', join(dir, 'g.graph'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
// An account made on the command line, active at once.
const account = (email, name, roles, password = 'mot-de-passe-de-test') => {
  execFileSync(bin, ['--db', join(dir, 'm.db'), 'users', 'add', '--email', email, '--name', name,
    ...roles.flatMap((r) => ['--role', r]), '--password-stdin'], { input: `${password}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
  return password;
};
// The first message to `to` about `event` that the SMTP sink received (waits up to 15 s).
async function mailFor(to, event) {
  for (let i = 0; i < 150; i++) {
    let names = [];
    try { names = readdirSync(join(dir, 'mail')).filter((n) => !n.startsWith('.')).sort(); } catch { /* none yet */ }
    for (const n of names) {
      const m = JSON.parse(readFileSync(join(dir, 'mail', n), 'utf8'));
      if (m.to.includes(to) && m.event === event) return m;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`no ${event} mail to ${to}`);
}
async function signIn(p, email, password = 'mot-de-passe-de-test') {
  await p.goto(base + '/#connexion');
  await p.fill('#signin-form input[name=email]', email);
  await p.fill('#signin-form input[name=password]', password);
  await p.click('#signin-form button');
  await p.waitForSelector('#account-link[href="#compte"]');
}
async function signOut(p) {
  await p.goto(base + '/#compte');
  await p.click('#sign-out');
  await p.waitForSelector('#account-link:has-text("Se connecter")');
}
// What the page keeps in localStorage: display preferences only.
async function storedKeys(p) {
  return p.evaluate(() => Object.keys(localStorage));
}

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
  // The territory's name and departments come from GET /territory (territory.json), not from the page.
  const territory = await api('/territory');
  assert.equal(await p.title(), `Maillage — tiers-lieux de ${territory.name}`);
  const options = '#filters select[name=department] option:not([value=""])';
  assert.equal(await p.locator(options).count(), territory.departments.length);
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

test('booking: a member signs in, books a desk and gets the mail, then cancels; the manager records a phone booking', async () => {
  const place = (await api('/places?department=23&status=open&limit=1')).items[0];
  for (let d = 1; d <= 7; d++) cli('booking', 'hours', '--place', place.id, '--weekday', String(d), '--hours-of-day', '09:00-18:00');
  cli('booking', 'add-resource', '--place', place.id, '--kind', 'desk', '--desk-kind', 'dropin', '--name', 'Bureaux nomades', '--units', '2', '--price-day', '15');
  cli('booking', 'add-member', '--name', 'Anne', '--email', 'anne@example.org');
  cli('booking', 'membership', '--member', '1', '--place', place.id);
  account('anne@example.org', 'Anne', ['member']);  // the account is linked to the member with its address
  account('gerant23@example.org', 'Gérard', [`manager:${place.id}`]);
  const day = new Date(Date.now() + 7 * 86400e3).toISOString().slice(0, 10);

  const p = await page();
  await p.goto(base + '/#reserver');
  await p.waitForSelector('#res-signin:not([hidden])');
  await signIn(p, 'anne@example.org');
  await p.goto(base + '/#reserver');
  await p.waitForSelector('#who:has-text("Anne (membre)")');
  await p.fill('#desk-search input[name=commune]', place.insee_code);
  await p.fill('#desk-search input[name=date]', day);
  await p.fill('#desk-search input[name=minutes]', '60');
  await p.click('#desk-search button[type=submit]');
  await p.waitForSelector(`#desk-results li:has-text("${place.name.replace(/"/g, '\\"')}")`);
  await p.click('#desk-results li button');
  await p.waitForSelector('#res-message:has-text("confirmée")');
  await p.waitForSelector('#my-bookings li[data-booking]');
  assert.match(await p.textContent('#my-bookings'), /Bureaux nomades.*confirmée.*15\.00 €/);
  // The confirmation mail, as the SMTP server received it.
  const mail = await mailFor('anne@example.org', 'booking_confirmed');
  assert.match(mail.subject, /Réservation confirmée : Bureaux nomades/);
  assert.match(mail.text, new RegExp(`Bureaux nomades à ${place.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, le ${day}`));
  assert.match(mail.text, /Montant : 15,00 €/);
  assert.match(mail.html, /<a href="http:\/\/127\.0\.0\.1:\d+\/#reserver">/);
  await shot(p, 'booking-member');
  await p.click('#my-bookings li button');
  await p.waitForSelector('#my-bookings li:has-text("annulée")');
  await mailFor('anne@example.org', 'booking_cancelled');
  await signOut(p);

  await signIn(p, 'gerant23@example.org');
  await p.goto(base + '/#reserver');
  await p.waitForSelector('#who:has-text("gérant")');
  assert.equal(await p.isHidden('#member-area'), true);
  assert.deepEqual(await p.locator('#manager-place option').allTextContents(), [place.name]);
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
  assert.ok(rows.some((r) => /Gérard.*\(phone\)/.test(r)), rows.join(' | '));
  await shot(p, 'booking-manager');
  await signOut(p);
  // Back as the member: the weekly series is listed, and cancelled from its first week in one click.
  await signIn(p, 'anne@example.org');
  await p.goto(base + '/#reserver');
  await p.waitForSelector('#my-bookings li button.series');
  assert.equal(await p.locator('#my-bookings li:has(button.series)').count(), 3);
  await p.locator('#my-bookings li button.series').first().click();
  await p.waitForSelector('#res-message:has-text("3 réservations de la série annulées")');
  await p.waitForFunction(() => !document.querySelector('#my-bookings li button.series'));
  assert.ok((await storedKeys(p)).every((k) => k.startsWith('maillage.pref.')));
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('an invited editor sets a password, signs in, edits a sheet, signs out; the admin sees it in the log', async () => {
  account('admin@example.org', 'Alice Admin', ['admin'], 'admin-mot-de-passe');
  const p = await page();
  await signIn(p, 'admin@example.org', 'admin-mot-de-passe');
  await p.goto(base + '/#admin');
  await p.waitForSelector('#users-table tbody tr[data-user="admin@example.org"]');
  await p.fill('#invite-form input[name=email]', 'edith@example.org');
  await p.fill('#invite-form input[name=display_name]', 'Édith Éditrice');
  await p.selectOption('#invite-form select[name=role]', 'editor');
  await p.click('#invite-form button');
  await p.waitForSelector('#admin-message:has-text("Invitation envoyée à edith@example.org")');
  await p.waitForSelector('#users-table tr[data-user="edith@example.org"]:has-text("invité")');
  await shot(p, 'admin');
  await signOut(p);

  const mail = await mailFor('edith@example.org', 'invitation');
  assert.equal(mail.subject, 'Invitation à Maillage');
  const link = mail.text.match(/http\S+#cle\/invitation\/\S+/)[0];
  await p.goto(link);
  await p.waitForSelector('#key-intro:has-text("edith@example.org")');
  await p.fill('#key-form input[name=password]', 'edith-mot-de-passe');
  await p.fill('#key-form input[name=confirm]', 'edith-mot-de-passe');
  await p.click('#key-form button');
  await p.waitForSelector('#key-message:has-text("Mot de passe enregistré")');
  // The link served once.
  await p.goto(base + '/#carte');
  await p.goto(link);
  await p.waitForSelector('#key-intro:has-text("invalide")');

  await signIn(p, 'edith@example.org', 'edith-mot-de-passe');
  assert.equal(await p.textContent('#account-link'), 'Édith Éditrice');
  assert.equal(await p.isHidden('#admin-link'), true);
  const place = (await api('/places?department=64&status=open&limit=1')).items[0];
  await p.goto(base + `/#lieu/${encodeURIComponent(place.id)}`);
  await p.waitForSelector('#place-edit:not([hidden])');
  assert.equal(await p.locator('#place-edit select[name=status]').count(), 1);  // an editor may change the status
  await p.fill('#place-edit input[name=website]', 'https://edith.example.org/');
  await p.click('#place-edit button');
  await p.waitForSelector('#place-edit-message:has-text("Fiche enregistrée")');
  await p.waitForSelector('#history li:has-text("Édith Éditrice")');
  assert.equal((await api(`/places/${encodeURIComponent(place.id)}`)).website, 'https://edith.example.org/');
  await shot(p, 'editor-sheet');
  assert.ok((await storedKeys(p)).every((k) => k.startsWith('maillage.pref.')), 'only display preferences are stored');
  await signOut(p);
  await p.goto(base + `/#lieu/${encodeURIComponent(place.id)}`);
  await p.waitForSelector('#h-lieu:not(:empty)');
  await p.waitForSelector('#place-edit', { state: 'hidden' });

  // The admin's log lists the change under the editor's name.
  await signIn(p, 'admin@example.org', 'admin-mot-de-passe');
  await p.goto(base + '/#admin');
  await p.fill('#audit-form input[name=action]', 'PATCH');
  await p.click('#audit-form button');
  await p.waitForSelector(`#audit-table tbody tr:has-text("Édith Éditrice"):has-text("/places/${place.id}")`);
  await p.waitForSelector('#outbox-table tbody tr:has-text("edith@example.org"):has-text("envoyé")');
  await signOut(p);
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('a manager sees only their places', async () => {
  const [mine, other] = (await api('/places?department=86&status=open&limit=2')).items;
  account('marc@example.org', 'Marc', [`manager:${mine.id}`]);
  const p = await page();
  await signIn(p, 'marc@example.org');
  await p.goto(base + '/#compte');
  await p.waitForSelector('#my-places a');
  assert.deepEqual(await p.locator('#my-places a').allTextContents(), [mine.name]);
  assert.match(await p.textContent('#me'), /gérant·e de/);
  await p.goto(base + `/#lieu/${encodeURIComponent(mine.id)}`);
  await p.waitForSelector('#place-edit:not([hidden])');
  assert.equal(await p.locator('#place-edit select[name=status]').count(), 0);  // not the status
  await p.fill('#place-edit input[name=seats_dropin]', '6');
  await p.click('#place-edit button');
  await p.waitForSelector('#place-edit-message:has-text("Fiche enregistrée")');
  await p.goto(base + `/#lieu/${encodeURIComponent(other.id)}`);
  await p.waitForSelector(`#h-lieu:has-text("${other.name.replace(/"/g, '\\"')}")`);
  assert.equal(await p.isHidden('#place-edit'), true);
  await p.goto(base + '/#reserver');
  await p.waitForSelector('#manager-area:not([hidden])');
  assert.deepEqual(await p.locator('#manager-place option').allTextContents(), [mine.name]);
  await p.goto(base + '/#admin');
  await p.waitForSelector('#admin-message:has-text("réservée aux administrateurs")');
  // Sessions: this one listed, then closed everywhere.
  await p.goto(base + '/#compte');
  await p.waitForSelector('#my-sessions li:has-text("Cette session")');
  await shot(p, 'account');
  // One's data (GDPR access), downloaded from the account page.
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('#export-link')]);
  const data = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(data.account.email, 'marc@example.org');
  assert.deepEqual(data.account.roles, [`manager:${mine.id}`]);
  await p.click('#sign-out-all');
  await p.waitForSelector('#account-link:has-text("Se connecter")');
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
  account('evil@example.org', evil('account'), ['member']);
  account('evil-manager@example.org', evil('manager'), [`manager:${id}`]);

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
  await signIn(p, 'evil@example.org');
  assert.match(await p.textContent('#account-link'), /^<img src=x/);
  await p.goto(base + '/#reserver');
  await p.waitForSelector('#member-area:not([hidden])');
  await p.fill('#desk-search input[name=commune]', '23096');
  await p.fill('#desk-search input[name=minutes]', '10');
  await p.click('#desk-search button[type=submit]');
  await p.waitForSelector('#desk-results li:has-text("XSS")');
  await p.click('#desk-results li:has-text("XSS") button');
  await p.waitForSelector('#my-bookings li[data-booking]');
  assert.match(await p.textContent('#my-bookings'), /<script>window.__xss='resource'/);
  await signOut(p);
  await signIn(p, 'evil-manager@example.org');
  await p.goto(base + '/#reserver');
  await p.waitForSelector('#day-table tbody tr');
  assert.match(await p.textContent('#day-table'), /<img src=x/);
  await clean('booking');
  await p.goto(base + '/#compte');
  await p.waitForSelector('#me dd:has-text("<img src=x")');
  await clean('account');
  await shot(p, 'hostile-text');
  assert.ok((await storedKeys(p)).every((k) => k.startsWith('maillage.pref.')));
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('a visitor proposes a place from the map; a moderator accepts it; it shows on the map', async () => {
  const p = await page();
  await p.goto(base + '/');
  await p.waitForSelector('#map[data-outlines=loaded]');
  // A click on the map offers to propose a place there.
  const box = await p.locator('#map').boundingBox();
  await p.mouse.click(box.x + box.width * 0.45, box.y + box.height * 0.4);
  await p.waitForSelector('#propose-link[href^="#contribuer/@"]');
  await p.click('#propose-link');
  await p.waitForSelector('#view-contribuer:not([hidden])');
  assert.notEqual(await p.inputValue('#contribute-form input[name=lon]'), '');
  await shot(p, 'contribute-form');
  // The place is in Ruffec: the commune decides, not the click.
  await p.fill('#contribute-form input[name=lon]', '');
  await p.fill('#contribute-form input[name=lat]', '');
  await p.fill('#contribute-form input[name=name]', 'Le Hangar Partagé');
  await p.fill('#contribute-form input[name=commune]', 'Ruffec (16292)');
  await p.check('#contribute-form input[name=types][value=coworking]');
  await p.fill('#contribute-form input[name=seats_dropin]', '6');
  await p.fill('#contribute-form textarea[name=comment]', 'Ouvert en 2025 <img src=x onerror="window.__xss=1">');
  await p.fill('#contribute-form input[name=contributor_name]', 'Camille Visiteuse');
  await p.fill('#contribute-form input[name=contributor_email]', 'camille@maillage.test');
  // Without consent: refused, naming the field.
  await p.click('#contribute-form button[type=submit]');
  await p.waitForSelector('#contribute-message.error');
  assert.match(await p.textContent('#contribute-message'), /consent|accepter/i);
  await p.check('#contribute-form input[name=consent]');
  await p.click('#contribute-form button[type=submit]');
  const link = await p.waitForSelector('#follow-link');
  const followUrl = await link.getAttribute('href');
  assert.match(followUrl, /#contribution\/[A-Za-z0-9_-]{43}$/);
  assert.equal((await api('/places?q=Hangar%20Partage')).total, 0, 'nothing public before moderation');
  const ack = await mailFor('camille@maillage.test', 'contribution_acknowledged');
  assert.ok(ack.text.includes(followUrl));
  // The follow-up page says it waits.
  await p.goto(followUrl);
  await p.waitForSelector('#follow dd[data-status=pending]');
  await shot(p, 'contribution-follow');
  // The moderator sees it beside nothing (a new place), and accepts it.
  account('moderatrice@maillage.test', 'Marie Modératrice', ['editor']);
  const m = await page();
  await signIn(m, 'moderatrice@maillage.test');
  await m.goto(base + '/#moderation');
  await m.waitForSelector('#moderation-link:not([hidden])');
  await m.waitForSelector('#moderation-table tbody tr');
  await m.click('#moderation-table tbody tr:has-text("Le Hangar Partagé") a');
  await m.waitForSelector('#moderation-diff');
  assert.match(await m.textContent('#moderation-detail blockquote'), /<img src=x/);
  assert.equal(await m.locator('img[src="x"]').count(), 0);
  await shot(m, 'moderation-detail');
  await m.click('#accept');
  await m.waitForSelector('#moderation-message:has-text("acceptée")');
  // It shows on the map, and its sheet's history names the contribution, its contributor and the moderator.
  const placed = await api('/places?q=Hangar%20Partage');
  assert.equal(placed.total, 1);
  await p.goto(base + '/');
  await p.waitForSelector('#map[data-outlines=loaded]');
  await p.fill('#filters input[name=q]', 'Hangar Partagé');
  await p.waitForFunction(() => document.querySelector('#map').dataset.places === '1');
  await shot(p, 'contribution-on-map');
  await m.goto(base + `/#lieu/${encodeURIComponent(placed.items[0].id)}`);
  await m.waitForSelector('#history li');
  assert.match(await m.textContent('#history'), /contribution n° \d+ acceptée par user:\d+ \(Marie Modératrice\), proposée par Camille Visiteuse/);
  await p.goto(followUrl);
  await p.waitForSelector('#follow dd[data-status=accepted]');
  assert.equal(await p.evaluate(() => window.__xss), undefined);
  assert.deepEqual(p.errors, []);
  assert.deepEqual(m.errors, []);
  await p.close();
  await m.close();
});

test('the data-quality page, the printed documents, and a manager confirms their sheet', async () => {
  const p = await page();
  await p.goto(base + '/#qualite');
  await p.waitForSelector('#quality-table tbody tr[data-dep="16"]');
  assert.equal(await p.locator('#quality-table tbody tr').count(), 13);
  assert.match(await p.getAttribute('#quality-table tr[data-dep="16"]', 'class'), /alert/);
  await shot(p, 'quality');
  const pdf = await fetch(base + (await p.getAttribute('#dl-bottin', 'href')));
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
  // A manager confirms their sheet in one click.
  const id = (await api('/places?limit=1&department=79')).items[0].id;
  account('gerant-79@maillage.test', 'Gérant', [`manager:${id}`]);
  await signIn(p, 'gerant-79@maillage.test');
  await p.goto(base + `/#lieu/${encodeURIComponent(id)}`);
  await p.waitForSelector('#confirmation.due');
  await p.click('#confirm-sheet');
  await p.waitForSelector('#confirmation:has-text("Fiche confirmée par le lieu le")');
  assert.equal(await p.getAttribute('#confirmation', 'class'), '');
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('the network: register for an event, find a resource by a word of its text, the invitation list of an event', async () => {
  const soon = new Date(Date.now() + 15 * 86400000).toISOString().slice(0, 10);
  const ev = cli('events', 'add', '--title', 'Journée d\'information : créer un tiers-lieu', '--starts', `${soon}T09:30`,
    '--ends', `${soon}T12:30`, '--commune', 'Guéret', '--capacity', '1').match(/event (\d+)/)[1];
  cli('contacts', 'add', '--first-name', 'Anne', '--last-name', 'Martin', '--email', 'anne.martin@maillage.test',
    '--organisation', "Mairie d'Aubusson", '--organisation-kind', 'commune', '--commune', 'Aubusson');
  cli('contacts', 'add', '--first-name', 'Jean', '--last-name', 'Loin', '--email', 'jean.loin@maillage.test', '--commune', 'Bayonne');
  const doc = join(dir, 'guide.txt');
  execFileSync('/bin/sh', ['-c', `printf 'Les subventions de fonctionnement et le budget prévisionnel.' > '${doc}'`]);
  cli('resources', 'add', '--title', 'Guide : piloter un tiers-lieu', '--summary', 'Gouvernance et modèle économique', '--file', doc);
  cli('resources', 'add', '--title', 'Modèle de statuts', '--audience', 'members');

  // A visitor registers (the last seat), another goes on the waiting list.
  const p = await page();
  await p.goto(base + '/#evenements');
  const form = `form.register[data-event="${ev}"]`;
  await p.waitForSelector(form);
  await p.fill(`${form} input[name=name]`, 'Camille Inscrite');
  await p.fill(`${form} input[name=email]`, 'camille.inscrite@maillage.test');
  await p.check(`${form} input[name=consent]`);
  await p.click(`${form} button`);
  await p.waitForSelector(`article[data-event="${ev}"] [data-status=registered]`);
  const cancelUrl = await p.getAttribute(`article[data-event="${ev}"] a.cancel-link`, 'href');
  await mailFor('camille.inscrite@maillage.test', 'event_registration');
  await shot(p, 'event-registered');
  await p.reload();
  await p.waitForSelector(`${form} button:has-text("liste d’attente")`);
  await p.fill(`${form} input[name=name]`, 'Dominique Attente');
  await p.fill(`${form} input[name=email]`, 'dominique@maillage.test');
  await p.check(`${form} input[name=consent]`);
  await p.click(`${form} button`);
  await p.waitForSelector(`article[data-event="${ev}"] [data-status=waiting]`);
  // The first cancels from their private link: the waiting person gets the seat.
  await p.goto(cancelUrl);
  await p.waitForSelector('#registration dd[data-status=registered]');
  await p.click('#cancel-registration');
  await p.waitForSelector('#registration dd[data-status=cancelled]');
  await mailFor('dominique@maillage.test', 'event_promoted');

  // A resource by a word of its file's text, in another form; the members-only one stays hidden.
  await p.goto(base + '/#ressources');
  await p.fill('#resources-q', 'subvention');
  await p.waitForSelector('#resources-list li:has-text("Guide : piloter un tiers-lieu")');
  assert.equal(await p.locator('#resources-list li[data-resource]').count(), 1);
  const href = await p.getAttribute('#resources-list a.download', 'href');
  assert.equal((await fetch(base + href)).status, 200);
  await p.fill('#resources-q', 'statuts');
  await p.waitForSelector('#resources-list li:has-text("Aucune ressource")');
  await shot(p, 'resources');

  // The invitation list: Aubusson is within 60 minutes of Guéret, Bayonne is not.
  account('equipe@maillage.test', 'Équipe du réseau', ['editor']);
  await signIn(p, 'equipe@maillage.test');
  await p.goto(base + '/#reseau');
  await p.waitForSelector('#network-area:not([hidden])');
  await p.selectOption('#invite-event', ev);
  await p.fill('#invite-minutes', '60');
  await p.click('#event-invite-form button');
  await p.waitForSelector('#invitations li');
  const invited = await p.textContent('#invitations');
  assert.match(invited, /Anne Martin/);
  assert.doesNotMatch(invited, /Jean Loin/);
  assert.match(await p.textContent('#event-gaps'), /événement/);
  await shot(p, 'invitations');
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('an itinerant bus: its stops and a day route on the map, its timetable on the sheet, a planned tour', async () => {
  const file = join(here, '..', '..', 'data', 'itinerant', 'bus-france-services-charente.json');
  const out = cli('itinerant', 'import', file);
  assert.match(out, /with 12 stops/);
  const id = '16292-bus-france-services-emmaus-ruffec';
  const p = await page();
  await p.goto(base + '/#carte');
  await p.waitForFunction(() => document.querySelector('#map')?.dataset.stops === '12');
  assert.equal(await p.locator('#map .stop').count(), 12);
  assert.match(await p.textContent('#itinerant-count'), /12 arrêts/);
  // The stop of the next passage: its popup offers the route of that day.
  const list = await api('/itinerant');
  const next = list.items[0].next_passage;
  await p.locator('#map .stop').nth(next.stop - 1).dispatchEvent('click'); // stops overlap at the region's zoom
  await p.click('.leaflet-popup button:has-text("Trajet du prochain jour")');
  await p.waitForFunction((d) => document.querySelector('#map').dataset.route === d, next.date);
  assert.match(await p.textContent('#itinerant-route'), new RegExp(`Trajet du ${next.date}`));
  assert.ok(Number(await p.getAttribute('#map', 'data-route-points')) > 10, 'the route follows the roads');
  // The coverage layer "open on Tuesday morning": its legend says so.
  await p.selectOption('#cells-open-at', 'Tu 09:00-12:00');
  await p.check('#layer-cells');
  await p.waitForFunction(() => document.querySelector('#map').dataset.cellsOpenAt === 'Tu 09:00-12:00');
  assert.match(await p.textContent('#legend'), /mardi matin/);
  await shot(p, 'itinerant-map');
  // Coverage in time: cells reached only by a stop, painted apart.
  await p.uncheck('#layer-cells');
  await p.check('#layer-time');
  await p.waitForFunction(() => Number(document.querySelector('#map').dataset.partTime) > 0);
  assert.match(await p.textContent('#legend'), /seulement un arrêt itinérant/);
  await shot(p, 'itinerant-coverage-in-time');
  // The indicators: the part-time share beside the permanent one.
  await p.goto(base + '/#indicateurs');
  await p.waitForSelector('#kpi-part-time');
  const cov = await api('/coverage');
  assert.match(await p.textContent('#kpi-part-time'), /arrêt itinérant/);
  assert.ok(cov.part_time.part_time.share > 0);
  // The sheet: the next passage and two weeks of passages.
  await p.goto(base + `/#lieu/${id}`);
  await p.waitForSelector('#timetable tr td');
  const t = await api(`/places/${id}/timetable`);
  assert.equal(await p.locator('#timetable tr').count(), t.passages.length + 1);
  assert.match(await p.textContent('#next-passage'), new RegExp(t.next_passage.name.replace(/[()]/g, '.')));
  await shot(p, 'itinerant-sheet');
  // The tour planner: two days from Ruffec, on the planning map.
  await p.goto(base + '/#planification');
  await p.waitForSelector('#plan-list li');
  await p.fill('#tour-form input[name=base]', 'Ruffec (16292)');
  await p.fill('#tour-form input[name=days]', '2');
  await p.click('#tour-form button');
  await p.waitForSelector('#tour-table tr td', { timeout: 60000 });
  const r = await api('/plan/tour?base=16292&days=2');
  assert.equal(Number(await p.getAttribute('#tour-table', 'data-served')), r.population_served);
  assert.equal(await p.locator('#tour-table tr').count(), r.stops.length + 1);
  assert.ok((await p.locator('#plan-map .stop').count()) === r.stops.length);
  assert.match(await p.textContent('#tour-status'), /Depuis Ruffec/);
  await shot(p, 'itinerant-tour');
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('a planner drops a hypothetical place, drags it, reads the share; saves and shares the scenario', async () => {
  account('planif@maillage.test', 'Planificatrice Région', ['editor']);
  const p = await page();
  await signIn(p, 'planif@maillage.test');
  await p.goto(base + '/#carte');
  await p.waitForSelector('#scenario-panel:not([hidden])');
  await p.click('#scenario-start');
  await p.waitForFunction(() => document.querySelector('#map').dataset.scenario);
  const id = await p.getAttribute('#map', 'data-scenario');
  const box = await p.locator('#map').boundingBox();
  // A click on the map: a hypothetical place there, and the figures of the API's answer.
  await p.mouse.click(box.x + box.width / 2 - 30, box.y + box.height / 2 - 90);
  await p.waitForFunction(() => document.querySelector('#scenario-figures').dataset.changes === '1');
  await p.waitForSelector('#map .hypo');
  const cookie = (await p.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const live = async () => (await fetch(`${base}/api/v1/scenarios/${id}`, { headers: { cookie } })).json();
  let s = await live();
  assert.equal(s.changes.length, 1);
  assert.equal(Number(await p.getAttribute('#scenario-figures', 'data-covered')), s.figures.covered);
  // Drag it: the figures follow the pointer (a move per step of the drag, the last one wins).
  const m = await p.locator('#map .hypo').boundingBox();
  await p.mouse.move(m.x + m.width / 2, m.y + m.height / 2);
  await p.mouse.down();
  for (let i = 1; i <= 6; i++) await p.mouse.move(m.x + m.width / 2 - 15 * i, m.y + m.height / 2 + 10 * i, { steps: 2 });
  await p.mouse.up();
  await p.waitForFunction(() => Number(document.querySelector('#scenario-figures').dataset.changes) >= 2);
  await p.waitForTimeout(500);
  s = await live();
  assert.ok(s.changes.some((c) => c.op === 'move'), 'the drag moved the place');
  assert.equal(Number(await p.getAttribute('#scenario-figures', 'data-covered')), s.figures.covered);
  const shown = await p.textContent('#scenario-figures');
  assert.match(shown, /Part à 20 min/);
  await shot(p, 'scenario');
  // Saved under a name; the link opens the same scenario, replayed.
  await p.fill('#scenario-save input[name=name]', 'Essai <script>alert(1)</script>');
  await p.click('#scenario-save button');
  await p.waitForFunction(() => document.querySelector('#scenario-link').dataset.key);
  const key = await p.getAttribute('#scenario-link', 'data-key');
  assert.match(await p.textContent('#scenario-link'), /Essai <script>/);
  await p.goto(base + `/#scenario/${key}`);
  await p.waitForFunction((prev) => document.querySelector('#map').dataset.scenario !== prev, id);
  await p.waitForSelector('#map .hypo');
  assert.equal(Number(await p.getAttribute('#scenario-figures', 'data-covered')), s.figures.covered);
  assert.deepEqual(p.errors, []);
  await p.close();
});
