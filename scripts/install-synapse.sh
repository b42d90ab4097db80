#!/usr/bin/env bash
# Install a Synapse homeserver into its own virtual environment for peerbot's
# Matrix end-to-end tests (tests/matrix_harness). Idempotent: does nothing when
# Synapse already imports. pip's output goes to a log that is shown only on failure.
set -euo pipefail

repo_root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$repo_root/.synapse-venv"

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import synapse" >/dev/null 2>&1; then
    exit 0
fi

log="$(mktemp -t install-synapse.XXXXXX.log)"
trap 'rm -f "$log"' EXIT

pip_install() {
    if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@" >>"$log" 2>&1; then
        echo "install-synapse: pip install $* failed:" >&2
        tail -n 40 "$log" >&2
        exit 1
    fi
}

echo "install-synapse: creating $venv" >&2
python3 -m venv "$venv"
pip_install --upgrade pip
pip_install "matrix-synapse>=1.120,<2"
"$venv/bin/python" -c "import synapse; print('install-synapse: synapse', synapse.__version__)"
