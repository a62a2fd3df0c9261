// Every export read back by the reference reader of its format (issue #21): the national "lieux de médiation
// numérique" CSV by the ANCT's own library (npm @gouvfr-anct/lieux-de-mediation-numerique), the OpenAPI document by
// @apidevtools/swagger-parser. (GeoJSON and GeoPackage: GDAL, in tests/cli/test_cli_gis.cpp; iCalendar: libical, in
// tests/unit/booking.) Run by CTest as exports_read_back, with MAILLAGE_BIN.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { fromSchemaLieuDeMediationNumerique } from '@gouvfr-anct/lieux-de-mediation-numerique';
import SwaggerParser from '@apidevtools/swagger-parser';

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.MAILLAGE_BIN;
let dir;
const cli = (...args) =>
  execFileSync(bin, ['--db', join(dir, 'm.db'), '--graph', join(dir, 'g.graph'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

// A CSV of the schema as the library takes it: one object per row, empty cells absent.
const rows = (path) =>
  parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }).map((r) =>
    Object.fromEntries(Object.entries(r).filter(([, v]) => v !== '')),
  );
// The schema field an error of the library is about.
const FIELD = {
  VoieError: 'adresse',
  CodePostalError: 'code_postal',
  CommuneError: 'commune',
  CodeInseeError: 'code_insee',
  NomError: 'nom',
  PivotError: 'pivot',
  IdError: 'id',
};

before(() => {
  assert.ok(bin, 'MAILLAGE_BIN must name the maillage binary');
  dir = mkdtempSync(join(tmpdir(), 'maillage-exports-'));
  cli('places', 'list', '--limit', '1');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the mednum export writes only rows the ANCT library accepts, and names the others', () => {
  const report = JSON.parse(cli('places', 'export', '--format', 'mednum', '-o', join(dir, 'm.csv'), '--json'));
  const written = rows(join(dir, 'm.csv'));
  assert.equal(written.length, report.written);
  assert.ok(written.length > 0);
  for (const row of written) {
    assert.doesNotThrow(() => fromSchemaLieuDeMediationNumerique(row), `row ${row.id}`);
  }
  // The rows left out are named with their field, and are not in the file.
  assert.ok(report.skipped_places > 0);
  const ids = new Set(written.map((r) => r.id));
  for (const s of report.skipped) {
    assert.ok(!ids.has(s.id), s.id);
    assert.ok(['adresse', 'code_postal', 'commune', 'nom', 'pivot'].includes(s.field), s.field);
  }
  // Every place is either written or named; the data-quality summary counts the same.
  const summary = JSON.parse(cli('places', 'summary', '--json'));
  assert.equal(written.length + report.skipped_places, summary.places);
  assert.equal(summary.mednum.accepted, written.length);
  assert.equal(summary.mednum.missing.adresse, report.skipped.filter((s) => s.field === 'adresse').length);
});

test('with --mednum-all the marked rows are exactly those the library refuses, for the fields named', () => {
  cli('places', 'export', '--format', 'mednum', '--mednum-all', '-o', join(dir, 'all.csv'));
  let refused = 0;
  for (const row of rows(join(dir, 'all.csv'))) {
    const marked = (row.a_completer || '').split(', ').filter(Boolean);
    delete row.a_completer;
    let error = null;
    try {
      fromSchemaLieuDeMediationNumerique(row);
    } catch (e) {
      error = e;
    }
    if (marked.length === 0)
      assert.equal(error, null, `row ${row.id} is not marked but the library refuses it: ${error}`);
    else {
      assert.ok(error, `row ${row.id} is marked (${marked}) but the library accepts it`);
      // The library names a malformed field by its error's class; an absent one makes it fail on the missing value.
      const field =
        FIELD[error.constructor.name] ?? (error instanceof TypeError ? marked.find((f) => !(f in row)) : null);
      assert.ok(marked.includes(field), `row ${row.id}: ${error.constructor.name} (${error.message}) vs ${marked}`);
      ++refused;
    }
  }
  assert.ok(refused > 0);
});

test('the OpenAPI document is valid OpenAPI 3 for swagger-parser', async () => {
  const doc = JSON.parse(readFileSync(join(here, '..', '..', 'data', 'api', 'openapi.json'), 'utf8'));
  const api = await SwaggerParser.validate(doc);
  assert.match(api.openapi, /^3\./);
  assert.ok(Object.keys(api.paths).length > 50);
});

test('the regional dictionary CSV has the dictionary columns, in order', () => {
  // The columns of the regional data dictionary (PIGMA / Coopérative Tiers-Lieux) as the importer reads them
  // (src/registry/io_formats.cpp): a column dropped or renamed in the export fails here. No published copy of the
  // dictionary is reachable from this project to compare with.
  const expected = ['id', 'siret', 'str_nom', 'categorie', 'typologie', 'adresse', 'code_postal', 'numcom', 'nomcom',
    'url_web', 'facebook', 'twitter', 'instagram', 'ct_nom', 'ct_prenom', 'ct_courriel', 'ct_tel_fixe',
    'ct_tel_mobile', 'x_wgs84', 'y_wgs84', 'date_sai'];
  cli('places', 'export', '--format', 'csv', '-o', join(dir, 'annuaire.csv'));
  const records = parse(readFileSync(join(dir, 'annuaire.csv'), 'utf8'), { skip_empty_lines: true });
  assert.deepEqual(records[0], expected);
  assert.ok(records.length > 100);
  for (const r of records.slice(1)) assert.equal(r.length, expected.length);
  // And it is read back by the import into an empty registry, every row.
  const out = execFileSync(bin, ['--db', join(dir, 'copy.db'), '--no-seed', 'places', 'import', join(dir, 'annuaire.csv')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  assert.match(out, new RegExp(`${records.length - 1} (inserted|new)`));
});
