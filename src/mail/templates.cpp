// The French mail templates. Each event has a subject and a plain-text body with {names}; the HTML alternative is
// made from the rendered text (escaped, paragraphs, the {…link} values as links), so the two never say different
// things and no value can inject markup.
#include <fmt/args.h>
#include <fmt/format.h>

#include <set>

#include "core/error.hpp"
#include "core/text.hpp"
#include "mail/mail.hpp"

namespace maillage::mail {

namespace {

struct Template {
  const char* subject;
  const char* text;
};

const std::map<std::string, Template>& templates() {
  static const std::map<std::string, Template> t = {
      {"invitation",
       {"Invitation à Maillage",
        "Bonjour {name},\n\n{inviter} vous invite à rejoindre Maillage, l'outil du réseau des tiers-lieux de "
        "Nouvelle-Aquitaine, avec le rôle : {roles}.\n\nPour choisir votre mot de passe, ouvrez ce lien (valable une "
        "seule fois, jusqu'au {expires}) :\n{link}\n\nSi vous n'attendiez pas cette invitation, ignorez ce message."}},
      {"verification",
       {"Confirmez votre adresse électronique",
        "Bonjour {name},\n\nVous avez créé un compte sur Maillage. Pour le confirmer, ouvrez ce lien (valable une "
        "seule fois, jusqu'au {expires}) :\n{link}\n\nSi vous n'êtes pas à l'origine de cette inscription, ignorez "
        "ce message : aucun compte ne sera activé."}},
      {"already_registered",
       {"Votre compte Maillage",
        "Bonjour {name},\n\nQuelqu'un (peut-être vous) a demandé à créer un compte Maillage avec cette adresse, qui "
        "en a déjà un. Si vous avez oublié votre mot de passe, demandez-en un nouveau ici :\n{link}\n\nSinon, "
        "ignorez ce message : rien n'a changé."}},
      {"reset",
       {"Réinitialisation de votre mot de passe",
        "Bonjour {name},\n\nUne réinitialisation du mot de passe de votre compte Maillage a été demandée. Pour choisir "
        "un nouveau mot de passe, ouvrez ce lien (valable une seule fois, jusqu'au {expires}) :\n{link}\n\nSi vous "
        "n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé."}},
      {"contribution_received",
       {"Nouvelle contribution à modérer : {place}",
        "Bonjour {name},\n\nUne contribution concernant « {place} » attend votre modération :\n{link}"}},
      {"contribution_acknowledged",
       {"Contribution reçue : {place}",
        "Bonjour {name},\n\nMerci ! Votre contribution concernant « {place} » est enregistrée sous le n° {number}. "
        "L'équipe du réseau la relira avant toute publication.\n\nPour suivre sa modération (ou la retirer), "
        "gardez ce lien, qui est personnel :\n{link}"}},
      {"contribution_decided",
       {"Votre contribution : {place}",
        "Bonjour {name},\n\nMerci pour votre contribution concernant « {place} ». Décision de l'équipe du réseau : "
        "{decision}.\n\n{comment}\n\nSuivi de votre contribution :\n{link}"}},
      {"place_to_confirm",
       {"Merci de confirmer la fiche de {place}",
        "Bonjour {name},\n\nLa fiche de « {place} » n'a pas été confirmée depuis le {since}. Vérifiez-la et "
        "confirmez-la ici :\n{link}"}},
      {"booking_confirmed",
       {"Réservation confirmée : {resource}",
        "Bonjour {name},\n\nVotre réservation n° {booking} est confirmée : {resource} à {place}, {when}.{amount}\n\n"
        "Vos réservations :\n{link}"}},
      {"booking_requested",
       {"Demande de réservation enregistrée : {resource}",
        "Bonjour {name},\n\nVotre demande de réservation n° {booking} ({resource} à {place}, {when}) est "
        "enregistrée ; le lieu la confirmera.\n\nVos réservations :\n{link}"}},
      {"booking_cancelled",
       {"Réservation annulée : {resource}",
        "Bonjour {name},\n\nLa réservation n° {booking} ({resource} à {place}, {when}) est annulée ({by}).\n\n"
        "Vos réservations :\n{link}"}},
      {"event_registration",
       {"Inscription confirmée : {event}",
        "Bonjour {name},\n\nVotre inscription à « {event} » ({when}, {where}) est confirmée.\n\nSi vous ne pouvez "
        "plus venir, annulez ici pour libérer votre place (lien personnel) :\n{link}"}},
      {"event_waitlist",
       {"Liste d'attente : {event}",
        "Bonjour {name},\n\n« {event} » ({when}) est complet : vous êtes en position {position} sur la liste "
        "d'attente. Nous vous écrirons si une place se libère.\n\nPour vous retirer de la liste (lien "
        "personnel) :\n{link}"}},
      {"event_promoted",
       {"Une place s'est libérée : {event}",
        "Bonjour {name},\n\nUne place s'est libérée : votre inscription à « {event} » ({when}, {where}) est "
        "confirmée."}},
      {"event_reminder", {"Rappel : {event}", "Bonjour {name},\n\nPour rappel, « {event} » a lieu {when}, {where}."}},
  };
  return t;
}

constexpr const char* kSignature =
    "\n\n-- \nMaillage, réseau des tiers-lieux de Nouvelle-Aquitaine\n"
    "Ce message est envoyé automatiquement ; merci de ne pas y répondre.";

std::string fill(const char* tpl, const std::map<std::string, std::string>& values) {
  fmt::dynamic_format_arg_store<fmt::format_context> args;
  for (auto& [k, v] : values) args.push_back(fmt::arg(k.c_str(), v));
  try {
    return fmt::vformat(tpl, args);
  } catch (const fmt::format_error& e) {
    throw Error(fmt::format("mail template: {} (values: {})", e.what(), values.size()));
  }
}

// Paragraphs on blank lines, line breaks kept, the link values made links.
std::string to_html(const std::string& text, const std::map<std::string, std::string>& values) {
  std::string body;
  size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find("\n\n", start);
    auto para = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    auto h = text::escape_html(para);
    for (auto& [k, v] : values) {
      if (!k.ends_with("link") || v.empty()) continue;
      auto ev = text::escape_html(v);
      auto at = h.find(ev);
      if (at != std::string::npos) h.replace(at, ev.size(), fmt::format("<a href=\"{0}\">{0}</a>", ev));
    }
    std::string with_breaks;
    for (char c : h) with_breaks += c == '\n' ? std::string("<br>\n") : std::string(1, c);
    body += "<p>" + with_breaks + "</p>\n";
    if (end == std::string::npos) break;
    start = end + 2;
  }
  return "<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"></head>\n"
         "<body style=\"font-family: sans-serif; line-height: 1.4\">\n" +
         body + "</body></html>\n";
}

}  // namespace

std::vector<std::string> events() {
  std::vector<std::string> out;
  for (auto& [k, v] : templates()) out.push_back(k);
  return out;
}

Message render(const std::string& event, const std::string& to, const std::map<std::string, std::string>& values) {
  auto it = templates().find(event);
  if (it == templates().end()) throw Error(fmt::format("no mail template '{}'", event));
  Message m;
  m.event = event;
  m.to = to;
  m.subject = fill(it->second.subject, values);
  // A subject is one line (a value with a line break could otherwise add a header).
  for (auto& c : m.subject)
    if (c == '\n' || c == '\r') c = ' ';
  m.text = fill(it->second.text, values) + kSignature;
  m.html = to_html(m.text, values);
  return m;
}

}  // namespace maillage::mail
