#!/usr/bin/env bash
# GOV.UK Frontend for the portal, built from npm (frontend/package-lock.json) into
# src/cld/web/portal/static/govuk/ (not committed): the CSS compiled without the GDS Transport font
# (the portal is not on service.gov.uk), the JS and the images copied from the package.
set -euo pipefail
cd "$(dirname "$0")/../frontend"
npm ci --no-audit --no-fund --silent
out=../src/cld/web/portal/static/govuk
rm -rf "$out" && mkdir -p "$out"
npx sass --pkg-importer=node --style=compressed --no-source-map cld.scss "$out/cld.css"
gf=node_modules/govuk-frontend/dist/govuk
cp "$gf/govuk-frontend.min.js" "$out/"
cp -r "$gf/assets/images" "$gf/assets/manifest.json" "$out/"
# axe-core (the accessibility tests) stays in frontend/node_modules: it is never served

