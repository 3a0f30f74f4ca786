#!/usr/bin/env bash
# The main job on the bundled sample corpus: install, process corpus/sample/ into the database,
# then serve the app on http://127.0.0.1:8501 (Ctrl+C to stop).
# Environment: ESS_NLP_DB (database file, default var/ess_nlp.sqlite3), PORT (default 8501).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export ESS_NLP_DB="${ESS_NLP_DB:-var/ess_nlp.sqlite3}"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
# Bytecode cached in the ignored .venv, as scripts/test.sh does: where PYTHONDONTWRITEBYTECODE is
# set, each process (the run, its reading process, the app) would compile torch, scikit-learn,
# spaCy and ess_nlp again at every start.
unset PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX="$PWD/.venv/pycache"
.venv/bin/ess-nlp run corpus/sample --db "$ESS_NLP_DB"
exec .venv/bin/ess-nlp app --db "$ESS_NLP_DB" --port "${PORT:-8501}"
