#!/usr/bin/env bash
# Usage: tests/check_file_sizes.sh MAX DIR...   Fails, naming them, when source files under DIRs exceed MAX lines.
set -euo pipefail
max="$1"
shift
over=$(find "$@" -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.js' -o -name '*.css' \) -print0 |
  xargs -0 wc -l | awk -v m="$max" '$2 != "total" && $1 > m {print "  " $2 ": " $1 " lines"}')
if [ -n "$over" ]; then
  echo "files over $max lines (split them by resource or view, see docs/design.md):"
  echo "$over"
  exit 1
fi
echo "every file under $* has at most $max lines"
