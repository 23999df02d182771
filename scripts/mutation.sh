#!/usr/bin/env bash
# Mutation testing with mutmut (outside CI): scripts/mutation.sh validation|store [MAX_CHILDREN]
# Runs in a temporary copy of the committed tree, at low priority, with a fast test
# selection per package. Results: docs/mutation.md.
set -euo pipefail
pkg=${1:?usage: scripts/mutation.sh validation|store [max-children]}
children=${2:-2}
root=$(git rev-parse --show-toplevel)
case $pkg in
  validation) tests='"src/cld/validation/rules", "tests/synth/test_synth_defects.py"' ;;
  store) tests='"tests/store", "-k", "sqlite and not kill_at_random"' ;;
  *) echo "unknown package $pkg (validation or store)" >&2; exit 2 ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -C "$root" archive HEAD | tar -x -C "$work"
cat >>"$work/pyproject.toml" <<CFG

[tool.mutmut]
paths_to_mutate = ["src/cld/$pkg/"]
also_copy = ["src", "tests", "docs"]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-x"]
pytest_add_cli_args_test_selection = [$tests]
CFG
cd "$work"
nice -n 19 "$root/.venv/bin/mutmut" run --max-children "$children" || true
"$root/.venv/bin/mutmut" results | tee "$root/mutation-$pkg.txt"
