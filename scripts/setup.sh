#!/usr/bin/env bash
# Install the project (uv from PyPI, then the locked dependencies) into .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -m uv --version >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check uv
fi
python3 -m uv sync --frozen --quiet
# the portal's GOV.UK Frontend assets (npm; not committed). Without npm everything but the
# portal works: say so and go on (scripts/system-deps.sh installs npm).
if command -v npm >/dev/null 2>&1; then
  bash scripts/build-frontend.sh
else
  echo "note: npm not found: the portal's GOV.UK Frontend is not built (install npm, then" \
       "bash scripts/build-frontend.sh); everything else is ready" >&2
fi
