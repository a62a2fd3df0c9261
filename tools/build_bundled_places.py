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
- press_compiled_na_2026-11.csv (38 more places, same columns): the same rules as the first press list.
- the ANCT digital-inclusion files (mednum_charente_2023-07-11.json in the national schema, typology
  TIERS_LIEUX; mednum_gironde_source_2021.json, the rows that are tiers-lieux, fablabs or coworkings, checked by
  hand): matched by hand with a listed place (MEDNUM_MATCH), whose commune-level position they refine when they
  lie in the same commune and within 10 km of its centre (a sign error in a source's longitude is not taken);
  the others are added as open, at their address.
"""
import json
import math
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


# ANCT name -> listed name (same place: same commune, same activity, checked by hand); None: a place to add.
MEDNUM_MATCH = {
    "VALFONTAINE VILLAGE": "Valfontaine Village",
    "CoWorking Cognac": "CoWorking Cognac (2 rue des Rentes)",
    "Tiers-Lieu La Parenthèse": "Tiers-Lieu La Parenthèse",
    "L'Alchimiste concept store": "L'Alchimiste concept store",
    "CoCowork": "CoCowork",
    "TIERS LIEU SOLIDAIRE": "Tiers-Lieu Solidaire (Pôle multiservices de Blanzac-Porcheresse)",
    "CIJ": None,
    "Cap Science - Fab Lab": "Fablab 127° (Cap Sciences)",
    "Cocotte Minute": "La Cocotte-Minute",
    "Escale Tiers Lieu": "L'Escale Tiers-Lieu",
    "EURÊKAFAB - Communauté de communes de Montesquieu": "Eurêkafab (fablab CdC de Montesquieu)",
    "FabLab_BEN": "FabLab BEN (Bordeaux École Numérique)",
    "FABLAB COHABIT": "Coh@bit (fablab IUT)",
    "La Canopée - espace collaboratif de Gradignan (espace de coworking et incubateur)":
        "La Canopée (espace collaboratif de Gradignan)",
    "Le Chai 2.0 MARSAS": "Le Chai 2.0",
    "Le Forum du Rocher de Palmer": "Espace coworking du Forum du Rocher de Palmer",
    "L'Étape": "Coworking Associatif",
    "PRISME": "La Maison des Acacias (association PRISME)",
    "Splendid coworking LANGOIRAN": "Splendid Coworking",
}
# Rows SOURCES.md marks as doubtful, whose status we do not take as given: name -> (status, closing date, note).
DOUBTFUL = {
    "La Giraffe": ("closed", "2020", "fermé en 2020 (SOURCES.md)"),
    "L'@telier du Palais": ("closed", "", "décrit comme inactif après décembre 2023: compté fermé jusqu'à confirmation"),
}
# Added places: the name to list them under, their type and INSEE code (checked by hand).
MEDNUM_NEW = {
    "CIJ": ("Centre Information Jeunesse (CIJ) d'Angoulême", "hybride", "16015"),
}


def km(lon1, lat1, lon2, lat2):
    r = math.pi / 180
    a = (math.sin((lat2 - lat1) * r / 2) ** 2 +
         math.cos(lat1 * r) * math.cos(lat2 * r) * math.sin((lon2 - lon1) * r / 2) ** 2)
    return 12742 * math.asin(math.sqrt(a))


def mednum_rows():
    """(name, address, postcode, lon, lat, website, date, source) of the ANCT rows that are tiers-lieux."""
    out = []
    with open(SRC / "mednum_charente_2023-07-11.json", encoding="utf-8") as f:
        for r in json.load(f):
            if "TIERS_LIEUX" in (r.get("typologie") or ""):
                out.append((r["nom"].strip(), r["adresse"], r["code_postal"], r["longitude"], r["latitude"],
                            r.get("site_web") or "", r["date_maj"],
                            f"cartographie nationale des lieux de médiation numérique (ANCT, 2023-07-11), "
                            f"typologie {r['typologie'].replace('|', ';')}"))
    with open(SRC / "mednum_gironde_source_2021.json", encoding="utf-8") as f:
        for r in json.load(f):
            if r["Lieu"].strip() not in MEDNUM_MATCH:
                continue
            street, _, rest = r["Adresse postale"].partition(" - ")
            pc = re.search(r"\b(\d{5})\b", r["Adresse postale"])
            if not pc:
                sys.exit(f"mednum Gironde {r['Lieu']}: no postcode")
            if not rest:  # "17 Rue des Acacias 33980 Audenge"
                street = r["Adresse postale"][:pc.start()].strip(" ,")
            d, m, y = r["Dernière MAJ"].split("/")
            # The Gironde file's "Coord. X" holds the latitude and "Coord. Y" the longitude.
            out.append((r["Lieu"].strip(), street.strip(" ,"), pc.group(1), r["Coord. Y"], r["Coord. X"],
                        r["Site internet"] or "", f"{y}-{m}-{d}",
                        "lieux de médiation numérique de la Gironde (2021, via ANCT mednum-cli)"))
    return out


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
    press_rows = []
    for name in ("press_compiled_na.csv", "press_compiled_na_2026-11.csv"):
        with open(SRC / name, encoding="utf-8") as f:
            press_rows += list(csv.DictReader(f))
    for row in press_rows:
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
        if row["name"] in DOUBTFUL:
            status, closing, why = DOUBTFUL[row["name"]]
            notes = [why]
        else:
            closing = ""
        pid = f"{code}-{slug(row['name'])}"
        places[pid] = {"closing_date": closing,
            "id": pid, "name": row["name"], "types": ";".join(TYPE_KEYS[t] for t in row["type"].split(";")),
            "status": status,
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

    by_name = {p["name"]: p for p in places.values()}
    for name, address, pc, lon, lat, web, when, source in mednum_rows():
        target = MEDNUM_MATCH[name]
        if target is None:
            label, kind, code = MEDNUM_NEW[name]
            pid = f"{code}-{slug(label)}"
            places[pid] = dict(id=pid, name=label, types=kind, status="open", insee_code=code,
                               commune=communes[code]["nom"], address=address, postcode=pc, lon=lon, lat=lat,
                               position_precision="address", website=web, source=f"{source} ({when})",
                               notes="statut d'après la cartographie nationale: ouvert à la date de la source")
            continue
        p = by_name[target]
        p["source"] += f" ; {source} ({when})"
        c = communes[p["insee_code"]]
        same_commune = pc in c["codes_postaux"].split()
        near = km(float(c["lon"]), float(c["lat"]), float(lon), float(lat)) <= 10
        if p["position_precision"] == "commune" and same_commune and near:
            p.update(address=address, postcode=pc, lon=lon, lat=lat, position_precision="address")
            if web and not p.get("website"):
                p["website"] = web if "://" in web else "https://" + web
        elif p["position_precision"] == "commune":
            print(f"{target}: the ANCT position is not taken ({'other commune' if not same_commune else 'more than 10 km from the centre'})",
                  file=sys.stderr)

    with open(OUT, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        for pid in sorted(places):
            w.writerow({k: places[pid].get(k, "") for k in COLUMNS})
    print(f"{OUT.relative_to(ROOT)}: {len(places)} places; left out (no commune in source): "
          f"{len(skipped)}: {', '.join(skipped)}", file=sys.stderr)


if __name__ == "__main__":
    main()
