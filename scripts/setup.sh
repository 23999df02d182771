#!/usr/bin/env bash
# Install the project (uv from PyPI, then the locked dependencies) into .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -m uv --version >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check uv
fi
python3 -m uv sync --frozen --quiet
# the portal's GOV.UK Frontend assets (npm; not committed)
bash scripts/build-frontend.sh
