#!/usr/bin/env bash
# Debian packages the test suite uses for real: Chromium (the HTML report and the portal in a
# browser), npm (the portal's GOV.UK Frontend, built at install time),
# PostgreSQL (the store's server database; the tests start their own cluster) and a Java 17
# runtime (derive on a local Spark session, the `spark` extra).
# Installs what is missing when run as root; otherwise says what to install.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(npm)  # the portal's GOV.UK Frontend build
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
java_major=$( (java -version 2>&1 || true) | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
[ "${java_major:-0}" -ge 17 ] 2>/dev/null || missing+=(openjdk-17-jre-headless)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Install these Debian packages first: ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
