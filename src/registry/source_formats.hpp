#pragma once
// Reading the lists the field keeps elsewhere (field mappings: docs/sources.md):
//  - GoGoCarto, the map the regional network runs: its CSV export as the Région's GIS team reads it (Nom,
//    typologie, Services_annexes, Engagement_écolo, Accès_fibre, Accès_PMR, Mode_de_gestion, N°, rue, cp, Commune,
//    Personne_référente, Tél, Mail, Web, Facebook, Autre_réseau_social, longitude, latitude), and the JSON of its
//    API (elements with name, geo, address, categories, email, telephone, website);
//  - the national "lieux de médiation numérique" schema (ANCT), JSON (an array of places, or an object holding
//    one) and CSV: every place keeps its schema typology (in `source`), and the import may keep only the
//    tiers-lieux-like ones.
// The readers only translate: every value then goes through the field table and the validator as any import,
// and the rows are matched with the registry the same way (id, SIRET, name + commune, likely duplicates).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "registry/validate.hpp"

namespace maillage::registry {

struct SourceOptions {
  bool only_tiers_lieux = false;  // mednum: keep the rows whose typology (or name) says tiers-lieu, fablab, coworking
};

// What a source reader saw: rows read, rows left out by the typology filter, and the typologies met.
struct SourceSummary {
  int rows = 0, filtered_out = 0;
  std::map<std::string, int> typologies;  // schema typology or GoGoCarto category -> rows
};

std::vector<Record> read_gogocarto(std::string_view content, const std::string& label, std::vector<Problem>& problems,
                                   SourceSummary* summary = nullptr);
std::vector<Record> read_mednum(std::string_view content, const std::string& label, const SourceOptions& options,
                                std::vector<Problem>& problems, SourceSummary* summary = nullptr);

// Is a source's text the GoGoCarto or the mednum format? (its header or its JSON members); false when neither.
bool looks_like_gogocarto(std::string_view content);
bool looks_like_mednum(std::string_view content);

// A mednum place counts as a tiers-lieu when its typologies hold TIERS_LIEUX or FABLAB, or its name says
// tiers-lieu, coworking, fablab.
bool mednum_is_tiers_lieu(std::string_view typologies, std::string_view name);
// Maillage place types (mask) named in a free text ("Tiers-lieu hybride, Fablab" -> hybride|fablab); words that
// name no type go to `unknown`.
uint32_t types_in_text(std::string_view text, std::vector<std::string>* unknown = nullptr);
// Maillage services (mask) named in a free text ("Salle de réunion, wifi, café").
uint32_t services_in_text(std::string_view text, std::vector<std::string>* unknown = nullptr);

}  // namespace maillage::registry
