#!/usr/bin/env bash
# The whole test suite: lint, types, tests (installs what it needs first).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
bash scripts/setup.sh
python3 -m uv run --frozen ruff check src tests scripts
python3 -m uv run --frozen mypy
python3 -m uv run --frozen pytest "$@"
