#!/usr/bin/env bash
# Install what the tests need (Python packages, and Debian's chromium for the browser tests and
# LibreOffice for the export conversion test when run as root), then lint, type-check and run
# the whole test suite.
# Extra arguments go to pytest, e.g. scripts/test.sh -k segment
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installation de chromium et chromium-driver (paquets Debian) pour les tests de bout en bout…" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
      || echo "chromium n'a pas pu être installé : les tests navigateur seront ignorés." >&2
  else
    echo "chromium absent et pas de droits root : les tests navigateur seront ignorés." >&2
  fi
fi

if ! command -v soffice >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installation de LibreOffice (paquet Debian libreoffice-writer-nogui) pour le test des exports DOCX/ODT…" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui >/dev/null) \
      || echo "LibreOffice n'a pas pu être installé : le test de conversion des exports sera ignoré." >&2
  else
    echo "LibreOffice absent et pas de droits root : le test de conversion des exports sera ignoré." >&2
  fi
fi

export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONHASHSEED=0
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/pytest -n 2 "$@"
