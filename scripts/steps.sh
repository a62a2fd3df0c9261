# Sourced by the scripts: `step NAME LABEL COMMAND...` runs COMMAND with its output in build/logs/NAME.log and
# prints one line (what, how long, where the log is); on failure it prints the end of the log and exits.
# VERBOSE=1 shows every command's output instead.
LOGS="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/logs"
mkdir -p "$LOGS"

step() {
  local name="$1" label="$2"
  shift 2
  local log="$LOGS/$name.log" t0=$SECONDS
  if [ "${VERBOSE:-0}" = "1" ]; then
    echo "== $label"
    "$@"
    return
  fi
  printf '%s ... ' "$label"
  if "$@" >"$log" 2>&1; then
    echo "ok ($((SECONDS - t0)) s)"
  else
    local rc=$?
    echo "FAILED ($((SECONDS - t0)) s, exit $rc); the end of $log:"
    # Compiler errors first when there are any, then the last lines.
    grep -E '(error|Error|FAILED)' "$log" | grep -v '^--' | head -20 || true
    echo "..."
    tail -n 40 "$log"
    exit "$rc"
  fi
}
