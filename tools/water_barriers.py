#!/usr/bin/env python3
"""Writes data/roads/water_barriers.geojson: the lines that the skeleton's local layer may not cross (issue #15).

The bundled commune outlines (IGN ADMIN EXPRESS 2018) run to the middle of the Gironde estuary and of the lower
Garonne and Dordogne, so the outlines alone do not keep a link between, say, Pauillac and Blaye out of the water.
This tool takes the communes of the three banks (left of the Garonne and the Gironde; between the Garonne and the
Dordogne; right of the Dordogne and the Gironde), named below, and keeps every boundary edge that two communes of
different banks share: that is the mid-channel line from the Bec d'Ambès to the mouth, and the Garonne and the
Dordogne below their last bridges. The sea and the Arcachon basin are outside the region outline already.
The lists were checked by listing the communes that touch both banks' lists (each of those is itself a bank
commune, added to its side). Usage: python3 tools/water_barriers.py  (from the repository root; deterministic)."""
import gzip
import json

LEFT = ["Verdon-sur-Mer", "Soulac-sur-Mer", "Talais", "Saint-Vivien-de-Médoc", "Jau-Dignac-et-Loirac", "Valeyrac",
        "Saint-Christoly-Médoc", "Saint-Yzans-de-Médoc", "Saint-Seurin-de-Cadourne", "Saint-Estèphe", "Pauillac",
        "Saint-Julien-Beychevelle", "Cussac-Fort-Médoc", "Lamarque", "Arcins", "Soussans", "Margaux-Cantenac",
        "Labarde", "Macau", "Ludon-Médoc", "Parempuyre", "Blanquefort", "Bégadan"]
MIDDLE = ["Ambès", "Saint-Louis-de-Montferrand", "Bassens", "Ambarès-et-Lagrave", "Saint-Vincent-de-Paul"]
RIGHT = ["Royan", "Saint-Georges-de-Didonne", "Arces", "Barzan", "Saint-Dizant-du-Gua", "Saint-Genès-de-Blaye", "Meschers-sur-Gironde", "Talmont-sur-Gironde",
         "Chenac-Saint-Seurin-d'Uzet", "Mortagne-sur-Gironde", "Saint-Fort-sur-Gironde", "Saint-Sorlin-de-Conac",
         "Saint-Thomas-de-Conac", "Saint-Bonnet-sur-Gironde", "Saint-Ciers-sur-Gironde", "Braud-et-Saint-Louis",
         "Saint-Androny", "Fours", "Eyrans", "Blaye", "Plassac", "Villeneuve", "Gauriac", "Bayon-sur-Gironde",
         "Saint-Seurin-de-Bourg", "Bourg", "Prignac-et-Marcamps", "Saint-Gervais", "Saint-André-de-Cubzac",
         "Cubzac-les-Ponts"]


def edges(geometry):
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    out = set()
    for poly in polys:
        for ring in poly:
            for a, b in zip(ring, ring[1:]):
                a, b = (round(a[0], 7), round(a[1], 7)), (round(b[0], 7), round(b[1], 7))
                if a != b:
                    out.add((min(a, b), max(a, b)))
    return out


def main():
    doc = json.load(gzip.open("data/communes/communes_na_contours_2018.geojson.gz"))
    by_name = {f["properties"]["nom"]: f for f in doc["features"] if f["properties"]["dep"] in ("17", "33")}
    banks = []
    for group in (LEFT, MIDDLE, RIGHT):
        missing = [n for n in group if n not in by_name]
        if missing:
            raise SystemExit(f"not in the outlines: {missing}")
        banks.append(set().union(*(edges(by_name[n]["geometry"]) for n in group)))
    shared = sorted((banks[0] & banks[1]) | (banks[0] & banks[2]) | (banks[1] & banks[2]))
    feature = {
        "type": "Feature",
        "properties": {
            "name": "Gironde estuary, lower Garonne and Dordogne (mid-channel)",
            "source": "boundaries shared by communes of opposite banks in the bundled IGN ADMIN EXPRESS 2018 "
                      "outlines (tools/water_barriers.py)",
            "edges": len(shared),
        },
        "geometry": {"type": "MultiLineString", "coordinates": [[list(a), list(b)] for a, b in shared]},
    }
    with open("data/roads/water_barriers.geojson", "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": [feature]}, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"{len(shared)} boundary edges written")


if __name__ == "__main__":
    main()
