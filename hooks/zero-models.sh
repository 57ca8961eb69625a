# Shared body of the plain hook scripts in this folder (sourced, not run).
# For teams that use core.hooksPath instead of husky:
#   git config core.hooksPath node_modules/zero-models/hooks
# If the zero-models config is not at the repository's top level, tell the
# hooks where it is:  git config zeromodels.dir backend
name=$(basename "$0")
cli="$(cd "$(dirname "$0")/.." && pwd)/dist/cli.cjs"
if ! command -v node >/dev/null 2>&1; then
  echo "zero-models: node is not on PATH, so the $name hook was skipped. GUI git clients often start without your shell's PATH: start the client from a terminal, or add node's folder to the PATH it sees (see README: hooks in GUI git clients)." >&2
  exit 0
fi
if [ ! -f "$cli" ]; then
  echo "zero-models: $cli is missing (run npm install); the $name hook was skipped." >&2
  exit 0
fi
dir=$(git config --get zeromodels.dir || true)
if [ -n "$dir" ]; then
  exec node "$cli" -C "$dir" hook "$name" "$@"
fi
exec node "$cli" hook "$name" "$@"
