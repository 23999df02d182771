#!/usr/bin/env bash
# The whole test suite: lint, types, tests (installs what it needs first).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
bash scripts/setup.sh
# the tests also run derive on a local Spark session: the `spark` extra (pyspark)
python3 -m uv sync --frozen --quiet --extra spark
python3 -m uv run --frozen --extra spark ruff check src tests scripts
python3 -m uv run --frozen --extra spark mypy
python3 -m uv run --frozen --extra spark pytest "$@"
