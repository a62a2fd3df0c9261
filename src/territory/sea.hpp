#pragma once
// The sea along the region's coast, for base maps drawn without tiles: the region outline's coastline (from the
// Spanish border at the mouth of the Bidassoa to the Pays de la Loire border in the Anse de l'Aiguillon) and an
// offshore edge about 35 km west of the land, with the islands of the region (Ré, Oléron, Aix, ...) as holes.
// The neighbouring regions' coasts are not in the bundled data: the band stops at the two borders.
#include <string>

#include <nlohmann/json.hpp>

namespace maillage::territory {

// A FeatureCollection with one Polygon feature (properties: kind = "sea"); Error when the outline has no
// coastline between the two borders (another territory's outline).
nlohmann::json sea_geojson(const std::string& region_geojson_path);
// From the configured region outline; an empty collection for a territory without that coast.
const nlohmann::json& bundled_sea();

}  // namespace maillage::territory
