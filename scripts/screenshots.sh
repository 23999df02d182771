#!/usr/bin/env bash
# The user guides' screenshots: the browser tests (tests/web/test_portal_in_browser.py) save
# each step as a full-page PNG, 1000 px wide, in docs/guides/img/; then optimised when
# pngquant or optipng is installed. Needs chromium and the frontend build
# (scripts/build-frontend.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
out="$PWD/docs/guides/img"
mkdir -p "$out"  # kept, and overwritten: the status page is caught only when the check
                 # takes long enough for it to show
CLD_SCREENSHOTS="$out" timeout 900 "${PYTHON:-.venv/bin/python}" -m pytest \
    tests/web/test_portal_in_browser.py -q -p no:cacheprovider
if command -v pngquant >/dev/null; then
    pngquant --force --ext .png --skip-if-larger --quality 70-95 "$out"/*.png || true
elif command -v optipng >/dev/null; then
    optipng -quiet -o2 "$out"/*.png
fi
ls -l "$out"
