#!/usr/bin/env bash
# The page keeps no secret in the browser's storage (issue #20): only web/src/lib/prefs.js touches localStorage,
# always under the "maillage.pref." prefix, and no script reads or writes cookies, sessionStorage or IndexedDB (the
# session is an HttpOnly cookie the page cannot see).
set -euo pipefail
cd "$(dirname "$0")/../web/src"
bad=$(grep -rnE 'localStorage|sessionStorage|indexedDB|document\.cookie' --include='*.js' . | grep -v '^./lib/prefs.js:' || true)
if [[ -n "$bad" ]]; then
  echo "storage used outside lib/prefs.js:"; echo "$bad"; exit 1
fi
uses=$(grep -cE 'localStorage\.(get|set)Item\(PREFIX \+ ' lib/prefs.js)
all=$(grep -cE 'localStorage\.' lib/prefs.js)
if [[ "$uses" != "$all" || "$all" == 0 ]]; then
  echo "lib/prefs.js: every localStorage call must use the maillage.pref. prefix"; exit 1
fi
grep -q "const PREFIX = 'maillage.pref.';" lib/prefs.js || { echo "lib/prefs.js: the prefix changed"; exit 1; }
echo "web storage: display preferences only ($all calls, in lib/prefs.js)"
