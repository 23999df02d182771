#!/usr/bin/env bash
# Mutation testing with mutmut (outside CI):
#   scripts/mutation.sh validation|store [MAX_CHILDREN] [SAMPLE] [SEED]
# Runs in a temporary copy of the committed tree, at low priority, with a fast test
# selection per package. SAMPLE (e.g. 200): run a seeded random sample of the mutants
# instead of all of them (the score is then an estimate; the script prints its 95% interval).
# Results: mutation-<package>.txt in the checkout; figures in docs/mutation.md.
set -euo pipefail
pkg=${1:?usage: scripts/mutation.sh validation|store [max-children] [sample] [seed]}
children=${2:-2}
sample=${3:-0}
seed=${4:-1}
root=$(git rev-parse --show-toplevel)
case $pkg in
  validation) tests='"src/cld/validation/rules", "tests/validation", "tests/synth/test_synth_defects.py"' ;;
  store) tests='"tests/store", "-k", "not postgresql and not kill_at_random"' ;;
  *) echo "unknown package $pkg (validation or store)" >&2; exit 2 ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -C "$root" archive HEAD | tar -x -C "$work"
cat >>"$work/pyproject.toml" <<CFG

[tool.mutmut]
source_paths = ["src/cld/$pkg/"]
do_not_mutate = ["*/test_*.py", "*/conftest.py", "*/testing.py"]  # the tests beside the code
also_copy = ["src", "tests", "docs"]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-x"]
pytest_add_cli_args_test_selection = [$tests]
# DuckDB's threads do not survive a fork of the process that ran the tests (mutants hung until
# killed): fork each mutant from a server that has only collected them.
process_isolation = "forkserver"
CFG
cd "$work"
# No compiled-plan cache, in memory or on disk: every test then compiles the rules, so mutmut
# maps each rule function to every test that runs it (not only the first to compile a plan).
export CLD_CACHE_DIR=off
mutmut=("nice" "-n" "19" "$root/.venv/bin/mutmut")
if [ "$sample" -gt 0 ]; then
  # Generate the mutants and the test map without running any mutant, then pick the sample.
  "${mutmut[@]}" run "no-such-mutant" >/dev/null 2>&1 || true
  names=$("$root/.venv/bin/mutmut" results --all true | sed -n 's/^ *\([^ :]*__mutmut_[0-9]*\):.*/\1/p' \
          | python3 -c "import random,sys; n=sys.stdin.read().split(); random.Random($seed).shuffle(n); print(' '.join(sorted(n[:$sample])))")
  echo "sample of $(wc -w <<<"$names") mutants (seed $seed)"
  # shellcheck disable=SC2086
  "${mutmut[@]}" run --max-children "$children" $names || true
  # shellcheck disable=SC2086
  "$root/.venv/bin/mutmut" results --all true | grep -F -f <(tr ' ' '\n' <<<"$names") \
    | tee "$root/mutation-$pkg.txt"
else
  "${mutmut[@]}" run --max-children "$children" || true
  "$root/.venv/bin/mutmut" results --all true | tee "$root/mutation-$pkg.txt"
fi
python3 - "$root/mutation-$pkg.txt" <<'PY'
import collections, math, sys
# Mutants of the tests that live beside the code (runs before do_not_mutate) are left out.
rows = [l.rsplit(":", 1)[-1].strip() for l in open(sys.argv[1]) if "__mutmut_" in l
        and not any(t in l for t in (".test_", ".conftest.", ".testing."))]
c = collections.Counter(rows)
# Mutants no selected test reaches ("no tests") count as survivors; timeouts are left out.
scored = c["killed"] + c["survived"] + c["no tests"]
p = c["killed"] / scored if scored else float("nan")
half = 1.96 * math.sqrt(p * (1 - p) / scored) if scored else float("nan")
print(dict(c))
print(f"score killed / (killed + survived + no tests): {c['killed']}/{scored} = {p:.1%}"
      f" (95% interval +/- {half:.1%})")
PY
