#!/usr/bin/env bash
# Install what the tests need (Python packages, and Debian's chromium for the browser tests and
# LibreOffice for the export conversion test when run as root), then lint, type-check and run
# the whole test suite.
# Extra arguments go to pytest, e.g. scripts/test.sh -k segment
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian packages the browser and export tests need, installed (as root) while pip works: one
# apt-get call for what is missing. Without them those tests are skipped with their reason.
system_packages() {
  local missing=()
  { [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; } || missing+=(chromium chromium-driver)
  command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installation des paquets Debian ${missing[*]} pour les tests navigateur et de conversion des exports…" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null) \
      || echo "Les paquets Debian ${missing[*]} n'ont pas pu être installés : les tests qui en ont besoin seront ignorés." >&2
  else
    echo "Paquets Debian absents (${missing[*]}) et pas de droits root : les tests qui en ont besoin seront ignorés." >&2
  fi
  return 0
}
system_packages &
system_pid=$!
scripts/setup.sh --test
wait "$system_pid"

export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONHASHSEED=0
# Bytecode cached once, in the ignored .venv (issue 14: suite time). uv installs without
# compiling, and where PYTHONDONTWRITEBYTECODE is set every process the tests start (pytest's
# workers, Dask workers, reading processes, Streamlit servers, the CLI) compiled torch, sklearn,
# spaCy and ess_nlp from source again: about 5 s of CPU each. The working tree stays clean.
unset PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX="$PWD/.venv/pycache"
.venv/bin/ruff check .
.venv/bin/mypy
# loadfile: one module per unit of work, the longest first (tests/conftest.py: SLOW_FIRST).
.venv/bin/pytest -n 2 --dist loadfile --durations=20 "$@"  # the 20 slowest tests are listed (issue 14: suite time)
