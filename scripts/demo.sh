#!/usr/bin/env bash
# Set everything up and run the main job on the embedded default:
# synthesise a submission, validate it, write the data-quality reports into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
python3 -m uv run --frozen cld demo --folder out "$@"
