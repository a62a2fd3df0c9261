#!/usr/bin/env python3
"""Builds data/tiers_lieux/places_na.csv (Maillage's own CSV format) from the real, partial lists in
data/tiers_lieux/sources/. Run once when a source changes; the output is committed and imported by
`maillage` like any other file, so it goes through the same validation as user data.

Rules (documented in docs/data.md):
- press_compiled_na.csv: one place per row; rows without an INSEE code are left out (listed on stderr);
  position = commune centre (precision `commune`); `opening_year` -> opening_date `YYYY`;
  status `in project` -> `project`; an empty status (the source does not say) -> `open`, with a note.
- fablabs_io_france_2017.csv, rows in the region: a fablab at its address position (precision `address`),
  merged into a press row of the same commune when one of type fablab names it, else added with status open
  and a note that the source dates from 2017.
- communemesure_tiers_lieux_sample_2022.csv, rows in the region: their address position refines the matching
  press row (explicit matches below).
"""
import csv
import gzip
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "data" / "tiers_lieux" / "sources"
OUT = ROOT / "data" / "tiers_lieux" / "places_na.csv"

COLUMNS = [
    "id", "name", "siret", "legal_form", "types", "status", "opening_date", "closing_date", "address",
    "postcode", "insee_code", "commune", "lon", "lat", "position_precision", "staff_fte", "seats_permanent",
    "seats_dropin", "seats_training", "services", "website", "facebook", "twitter", "instagram", "linkedin",
    "contact_last_name", "contact_first_name", "contact_email", "contact_phone", "contact_mobile", "source",
    "notes",
]
TYPE_KEYS = {"coworking": "coworking", "fablab": "fablab", "atelier partagé": "atelier_partage",
             "hybride": "hybride", "terres agricoles": "terres_agricoles"}
# Commune Mesure name -> press_compiled name (same place, checked by hand: same commune and street)
COMMUNEMESURE_MATCH = {
    "La Quincaillerie - Tiers-Lieux d'assemblage local": "La Quincaillerie Numérique",
    "Les Cabanes Urbaines": "Les Cabanes Urbaines (ex-The Roof)",
}


def norm(s):
    s = unicodedata.normalize("NFKD", s.lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


def slug(s, n=40):
    return norm(s).replace(" ", "-")[:n].strip("-")


def main():
    with gzip.open(ROOT / "data" / "communes" / "communes_na_cog2026.csv.gz", "rt", encoding="utf-8") as f:
        communes = {r["code_insee"]: r for r in csv.DictReader(f)}
    by_postcode_name = {}
    for c in communes.values():
        for pc in c["codes_postaux"].split():
            by_postcode_name[(pc, norm(c["nom"]))] = c["code_insee"]

    places = {}
    skipped = []
    with open(SRC / "press_compiled_na.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["insee_code"].strip()
            if not code:
                skipped.append(row["name"])
                continue
            c = communes[code]
            status = {"open": "open", "in project": "project", "closed": "closed", "": "open"}[row["status"]]
            notes = []
            if row["status"] == "":
                notes.append("statut non précisé par la source" +
                             (f" ({row['source_date']})" if row["source_date"] else "") + ": supposé ouvert")
            if row["status"] == "closed":
                notes.append("fermé selon la source, date de fermeture inconnue")
            pid = f"{code}-{slug(row['name'])}"
            places[pid] = {
                "id": pid, "name": row["name"], "types": TYPE_KEYS[row["type"]], "status": status,
                "opening_date": row["opening_year"], "insee_code": code, "commune": c["nom"],
                "postcode": c["codes_postaux"].split()[0], "lon": c["lon"], "lat": c["lat"],
                "position_precision": "commune",
                "source": "presse et sites publics: " + row["source_url"] +
                          (f" ({row['source_date']})" if row["source_date"] else ""),
                "notes": "; ".join(notes),
            }

    with open(SRC / "fablabs_io_france_2017.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["in_nouvelle_aquitaine"] != "1":
                continue
            pc = row["postal_code"].zfill(5)
            code = by_postcode_name.get((pc, norm(row["city"])))
            if code is None:
                sys.exit(f"fablab {row['name']}: no commune for {pc} {row['city']}")
            match = next((p for p in places.values() if p["insee_code"] == code and "fablab" in p["types"]
                          and (set(norm(p["name"]).split()) & set(norm(row["name"]).split()) - {"fablab", "lab", "fab"})),
                         None)
            fields = {"address": row["address_1"] if row["address_1"] != row["city"] else "",
                      "postcode": pc, "lon": row["lon"], "lat": row["lat"], "position_precision": "address",
                      "website": row["url"]}
            if match:
                match.update(fields)
                match["source"] += " ; fablabs.io (2017)"
                continue
            pid = f"{code}-{slug(row['name'])}"
            places[pid] = dict(id=pid, name=row["name"], types="fablab", status="open",
                               insee_code=code, commune=communes[code]["nom"],
                               source="fablabs.io via La Poste datanova (2017): " + row["url"],
                               notes="liste fablabs.io de 2017: statut actuel non vérifié", **fields)

    with open(SRC / "communemesure_tiers_lieux_sample_2022.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["in_nouvelle_aquitaine"] != "1":
                continue
            target = COMMUNEMESURE_MATCH[row["name"]]
            p = next(p for p in places.values() if p["name"] == target)
            street = re.split(r"\b\d{5}\b", row["address"])[0].strip(" ,")
            p.update(address=re.sub(r"\s+", " ", street), lon=row["lon"], lat=row["lat"],
                     position_precision="address")
            p["source"] += " ; Commune Mesure (2022)"

    with open(OUT, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        for pid in sorted(places):
            w.writerow({k: places[pid].get(k, "") for k in COLUMNS})
    print(f"{OUT.relative_to(ROOT)}: {len(places)} places; left out (no commune in source): "
          f"{len(skipped)}: {', '.join(skipped)}", file=sys.stderr)


if __name__ == "__main__":
    main()
