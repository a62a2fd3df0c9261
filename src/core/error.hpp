#pragma once
// Errors shared by every module, and the one catalogue of the errors a client can see (like Valhalla's error
// table): each has a stable code, an HTTP status and a French message template, declared once below. Libraries
// throw `Error(Errc::…, detail, field)`; the API maps the code through the table in one place
// (api::error_response), so rewording a message never changes a status, and a status is never decided by a
// message's text or an exception's type. A `detail` says what exactly was wrong (it may quote the input: the API
// quotes at most a short excerpt of it).
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace maillage {

// X(code, HTTP status, French message; {detail} and {field} are replaced). The code is the stable name clients
// match on; add new codes at the end of their group, never rename one.
#define MAILLAGE_ERRORS(X)                                                                             \
  /* 400: the request is wrong; the field is named */                                                  \
  X(field_invalid, 400, "Valeur refusée pour « {field} » : {detail}")                                  \
  X(field_missing, 400, "Le champ « {field} » est obligatoire : {detail}")                             \
  X(unknown_parameter, 400, "Paramètre inconnu : « {field} » ({detail})")                              \
  X(bad_json, 400, "Le corps de la requête n'est pas un objet JSON valide : {detail}")                 \
  X(bad_text, 400, "Texte refusé dans « {field} » : {detail}")                                         \
  X(input_refused, 400, "Demande refusée : {detail}")                                                  \
  X(not_routable, 400, "Ce point est trop loin du réseau routier : {detail}")                          \
  X(bad_http, 400, "Requête HTTP invalide : {detail}")                                                 \
  /* 401, 403: who may do what */                                                                      \
  X(unauthorized, 401, "Connectez-vous (ou utilisez un jeton) : {detail}")                             \
  X(wrong_credentials, 401, "Adresse ou mot de passe incorrect.")                                      \
  X(forbidden, 403, "Accès refusé : {detail}")                                                         \
  X(cross_origin, 403, "Une requête venue d'un autre site ne peut rien modifier ici.")                 \
  X(csrf, 403, "Jeton anti-falsification (X-CSRF-Token) absent ou erroné : rechargez la page.")        \
  X(account_disabled, 403, "Ce compte est désactivé ; contactez le réseau.")                           \
  X(email_not_verified, 403, "Confirmez d'abord votre adresse : ouvrez le lien du courriel reçu.")     \
  /* 404: what the request names does not exist */                                                     \
  X(route_not_found, 404, "Aucune route de l'API ne correspond : {detail}")                            \
  X(not_found, 404, "Introuvable : {detail}")                                                          \
  X(place_not_found, 404, "Aucun lieu ne correspond : {detail}")                                       \
  X(contact_not_found, 404, "Aucun contact ne correspond : {detail}")                                  \
  X(event_not_found, 404, "Aucun événement ne correspond : {detail}")                                  \
  X(registration_not_found, 404, "Ce lien ne correspond à aucune inscription.")                        \
  X(resource_not_found, 404, "Aucune ressource ne correspond : {detail}")                              \
  X(booking_not_found, 404, "Aucune réservation ne correspond : {detail}")                             \
  X(contribution_not_found, 404, "Aucune contribution ne correspond : {detail}")                       \
  X(application_not_found, 404, "Aucune candidature ne correspond : {detail}")                         \
  X(scenario_not_found, 404, "Aucun scénario ne correspond : {detail}")                                \
  X(timetable_not_found, 404, "Aucun horaire d'itinérance pour ce lieu : {detail}")                    \
  X(account_not_found, 404, "Aucun compte ne correspond : {detail}")                                   \
  X(token_not_found, 404, "Aucun jeton ne correspond : {detail}")                                      \
  X(message_not_found, 404, "Aucun courriel ne correspond : {detail}")                                 \
  X(session_not_found, 404, "Aucune session ne correspond : {detail}")                                 \
  X(method_not_allowed, 405, "Méthode non permise : {detail}")                                         \
  /* 409: the request is right but the state of things refuses it */                                   \
  X(conflict, 409, "Impossible dans l'état actuel : {detail}")                                         \
  X(place_exists, 409, "Ce lieu existe déjà : {detail}")                                               \
  X(email_taken, 409, "Cette adresse est déjà utilisée : {detail}")                                    \
  X(seat_taken, 409, "Plus de place libre : {detail}")                                                 \
  X(closed_then, 409, "Fermé à ce moment : {detail}")                                                  \
  X(not_allowed_now, 409, "Ce n'est pas possible pour cette réservation ou cette personne : {detail}") \
  X(wrong_state, 409, "Cette étape n'est pas possible dans l'état actuel : {detail}")                  \
  X(not_pending, 409, "Cette contribution n'est plus en attente : {detail}")                           \
  X(likely_duplicate, 409, "Doublon probable : {detail}")                                              \
  X(already_registered, 409, "Cette adresse est déjà inscrite à cet événement.")                       \
  X(event_closed, 409, "Les inscriptions à cet événement sont closes : {detail}")                      \
  X(erased, 409, "Cette personne a été effacée (RGPD) : {detail}")                                     \
  /* 413 to 503 */                                                                                     \
  X(too_large, 413, "Trop volumineux : {detail}")                                                      \
  X(place_invalid, 422, "Fiche refusée : {detail}")                                                    \
  X(too_many_requests, 429, "Trop de demandes depuis cette adresse : réessayez plus tard ({detail}).") \
  X(too_many_attempts, 429, "Trop de tentatives : réessayez dans quelques instants ({detail}).")       \
  X(headers_too_large, 431, "En-têtes de requête trop volumineux : {detail}")                          \
  X(internal, 500, "Erreur interne ; l'incident est journalisé sous la référence {detail}.")           \
  X(unavailable, 503, "Service momentanément indisponible : {detail}")                                 \
  X(busy, 503, "Serveur occupé : réessayez dans quelques secondes.")

enum class Errc : uint16_t {
#define MAILLAGE_ERRC_ENUM(code, status, message) code,
  MAILLAGE_ERRORS(MAILLAGE_ERRC_ENUM)
#undef MAILLAGE_ERRC_ENUM
};

struct ErrorInfo {
  Errc errc;
  std::string_view code;     // "place_not_found"
  int status;                // HTTP status
  std::string_view message;  // French template with {detail} and {field}
};
// The whole catalogue, in declaration order; info(e) is its entry.
std::span<const ErrorInfo> error_catalogue();
const ErrorInfo& info(Errc e);
// The entry of a code name, or null.
const ErrorInfo* find_error(std::string_view code);
// The template with {detail} and {field} filled in.
std::string render_message(Errc e, std::string_view detail, std::string_view field);

// Where in an input something is: file, 1-based line, 1-based column (CSV field number), field name.
struct Location {
  std::string file;
  int line = 0;
  int column = 0;
  std::string field;
  // "file:line:column" (parts that are unknown are left out)
  std::string str() const;
};

// Every error Maillage throws. what() is the detail (what the CLI prints); code() is its entry in the catalogue,
// field() the input field it names (may be empty). A plain Error(message) is `input_refused`.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& detail) : Error(Errc::input_refused, detail) {}
  Error(Errc code, const std::string& detail, std::string field = {}) : Error(code, detail, std::move(field), detail) {}
  Errc code() const { return code_; }
  const std::string& field() const { return field_; }
  // What was wrong, without the location that what() may start with.
  const std::string& detail() const { return detail_; }
  // Seconds after which the client may try again (429 and 503: the Retry-After header); 0: none.
  int64_t retry_after = 0;

 private:
  Errc code_;
  std::string field_, detail_;

 protected:
  Error(Errc code, const std::string& detail, std::string field, const std::string& what)
      : std::runtime_error(what), code_(code), field_(std::move(field)), detail_(detail) {}
};

// Bad input in a file: the message reads "file:line:column: reason" (code place_invalid by default); or a value
// of a request or a command refused: "field: reason" (code field_invalid).
class InputError : public Error {
 public:
  InputError(const Location& where, const std::string& reason, Errc code = Errc::place_invalid);
  InputError(const std::string& field, const std::string& reason);
  const Location& where() const { return where_; }

 private:
  Location where_;
};

// A request that names something that does not exist (place id, commune code...).
class NotFound : public Error {
 public:
  explicit NotFound(const std::string& detail, Errc code = Errc::not_found) : Error(code, detail) {}
};

}  // namespace maillage
