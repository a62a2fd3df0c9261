#!/usr/bin/env bash
# Every id of the web page is unique: two views using the same id make one of them find the other's element.
set -euo pipefail
dups=$(grep -o 'id="[^"]*"' "$1" | sort | uniq -d)
if [ -n "$dups" ]; then
  echo "ids used twice in $1: $dups"
  exit 1
fi
echo "every id of $1 is unique"
