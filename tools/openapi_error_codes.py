#!/usr/bin/env python3
"""Writes each operation's error codes into data/api/openapi.json (`x-error-codes`), from the route table
(src/api/routes.cpp: method, pattern, access), the operation's parameters and body, and the few codes of each
route's own logic (LOGIC below). Codes any path may answer (route_not_found, method_not_allowed, bad_text, too_large, headers_too_large, bad_http,
internal, busy) are listed once, in components.schemas.Error. The test ApiHttp.EachErrorHasItsCodeAndStatus checks
that each code it provokes is listed for its route. Run it after adding a route or a code: python3 tools/openapi_error_codes.py
"""
import collections
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / 'data/api/openapi.json'
EVERYWHERE = ['route_not_found', 'method_not_allowed', 'bad_text', 'too_large', 'headers_too_large', 'bad_http', 'internal', 'busy']

# The resource a path parameter names, by the path's first segment.
NOT_FOUND = {'places': 'place_not_found', 'contacts': 'contact_not_found', 'events': 'event_not_found',
             'resources': 'resource_not_found', 'bookings': 'booking_not_found',
             'contributions': 'contribution_not_found', 'applications': 'application_not_found',
             'scenarios': 'scenario_not_found', 'users': 'account_not_found', 'tokens': 'token_not_found',
             'mail': 'message_not_found', 'auth': 'session_not_found', 'registrations': 'registration_not_found'}

# What a route's own logic refuses, beyond parameters, access and missing resources: (method, pattern regex, codes).
LOGIC = [
    ('POST', r'^/places$', ['place_exists', 'place_invalid']),
    ('PATCH', r'^/places/\{id\}$', ['place_invalid']),
    ('POST', r'^/places/\{id\}/(close|charter)$', ['place_invalid']),
    ('POST', r'^/places/\{id\}/confirm$', ['conflict']),
    ('GET', r'^/places/\{id\}/timetable', ['timetable_not_found']),
    ('PUT', r'^/places/\{id\}/timetable$', ['field_missing']),
    ('POST', r'^/charter$', ['conflict']),
    ('POST', r'^/contributions$', ['too_many_requests', 'field_missing']),
    ('POST', r'^/contributions/(follow|withdraw)$', ['contribution_not_found', 'not_pending']),
    ('POST', r'^/contributions/\{id\}/(accept|merge)$', ['not_pending', 'likely_duplicate', 'place_invalid',
                                                          'place_not_found']),
    ('POST', r'^/contributions/\{id\}/reject$', ['not_pending', 'place_not_found']),
    ('POST', r'^/contacts', ['erased', 'place_invalid']),
    ('PATCH', r'^/contacts/\{id\}$', ['erased']),
    ('POST', r'^/events$', ['place_not_found']),
    ('POST', r'^/events/\{id\}/registrations$', ['already_registered', 'event_closed', 'too_many_requests']),
    ('POST', r'^/registrations/', ['conflict', 'registration_not_found']),
    ('POST', r'^/resources', ['resource_not_found']),
    ('POST', r'^/members$', ['conflict', 'place_not_found', 'contact_not_found']),
    ('GET', r'^/publications/', ['unavailable']),
    ('GET', r'^/isochrones', ['place_not_found']),
    ('GET', r'^/eligibility/', ['not_routable', 'place_not_found', 'not_found']),
    ('POST', r'^/applications$', ['not_found']),
    ('POST', r'^/applications/\{id\}/', ['wrong_state']),
    ('GET', r'^/booking/search$', ['not_routable']),
    ('POST', r'^/bookings$', ['seat_taken', 'closed_then', 'not_allowed_now', 'not_found', 'resource_not_found']),
    ('POST', r'^/bookings/\{id\}/cancel$', ['wrong_state', 'not_allowed_now']),
    ('POST', r'^/bookings/\{id\}/(confirm|no_show)$', ['wrong_state']),
    ('GET', r'^/plan/tour$', ['not_routable']),
    ('POST', r'^/scenarios', ['place_not_found', 'not_routable']),
    ('POST', r'^/auth/session$', ['wrong_credentials', 'too_many_attempts', 'account_disabled', 'email_not_verified']),
    ('DELETE', r'^/auth/session$', ['input_refused']),
    ('POST', r'^/auth/(sessions|password)', ['input_refused', 'wrong_credentials']),
    ('GET', r'^/auth/(sessions|export)', ['input_refused']),
    ('POST', r'^/auth/(register|reset)$', ['too_many_requests']),
    ('POST', r'^/auth/(verify|invitation|reset/confirm)$', ['field_invalid']),
    ('POST', r'^/users/invitations$', ['email_taken']),
    ('POST', r'^/users/\{id\}/invitation$', ['wrong_state']),
    ('PATCH', r'^/users/\{id\}$', ['conflict']),
    ('POST', r'^/tokens$', ['place_not_found', 'not_found']),
    ('POST', r'^/mail/outbox/\{id\}/retry$', ['message_not_found']),
]


def routes():
    text = (ROOT / 'src/api/routes.cpp').read_text(encoding='utf-8')
    return re.findall(r'\{"(GET|POST|PATCH|PUT|DELETE)",\s*"([^"]+)",\s*A::(\w+)', text)


def codes_of(method, pattern, access, op):
    codes = []
    query = [p for p in op.get('parameters', []) if p.get('in') == 'query']
    codes += ['unknown_parameter'] + (['field_invalid'] if query else [])
    if any(p.get('required') for p in query):
        codes.append('field_missing')
    if method != 'GET':
        codes += ['cross_origin', 'field_invalid']
        if 'requestBody' in op:
            codes.append('bad_json')
    if access != 'Public':
        codes.append('unauthorized')
        if method != 'GET':
            codes.append('csrf')
        if access in ('Editor', 'Admin', 'Signed'):
            codes.append('forbidden')
    if '{' in pattern:
        codes.append(NOT_FOUND.get(pattern.split('/')[1], 'not_found'))
    for m, rx, extra in LOGIC:
        if m == method and re.search(rx, pattern):
            codes += extra
    seen, out = set(), []
    for c in codes:
        if c not in seen:
            seen.add(c)
            out.append(c)
    return out


def main():
    doc = json.loads(DOC.read_text(encoding='utf-8'), object_pairs_hook=collections.OrderedDict)
    known = set(doc['components']['schemas']['Error']['properties']['code']['enum'])
    for method, pattern, access in routes():
        op = doc['paths'][pattern][method.lower()]
        codes = codes_of(method, pattern, access, op)
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise SystemExit(f'{method} {pattern}: codes not in the catalogue: {unknown}')
        op['x-error-codes'] = codes
    doc['components']['schemas']['Error']['x-every-route'] = EVERYWHERE
    DOC.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')


if __name__ == '__main__':
    main()
