#!/usr/bin/env bash
# Install the Debian packages hegui needs, only those missing. Safe to re-run.
# Used by `make demo` / `make test` so a new Debian 12 machine needs nothing else.
set -euo pipefail
need=(
  gcc python3-dev python3-venv          # durable-rules compiles a C extension
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1  # WeasyPrint
  fonts-noto-cjk fonts-arphic-ukai      # CJK fonts: Hei/Song (Noto CJK) and Kai
  fonts-liberation                      # Times New Roman metrics for digits and Latin letters (CAC template)
  poppler-utils                         # pdftotext / pdffonts / pdftoppm used by the tests
  chromium chromium-driver              # the browser suite (tests/web/browser, Playwright on the system Chromium)
)
# the test database servers (tools/start-postgres.sh, tools/start-mariadb.sh)
if [[ "${HEGUI_WITH_POSTGRES:-0}" == 1 ]]; then need+=(postgresql mariadb-server); fi
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "hegui set-up: missing Debian packages: ${missing[*]} (run as root or install them)" >&2
    exit 1
  fi
  echo "hegui set-up: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
