#!/bin/sh
# Set up and run the whole test suite on a fresh machine: the project and its test tools in .venv,
# and the headless Chromium the browser tests drive (Debian package; installed when missing and
# this user may install packages). PostgreSQL must answer at THAMDINH_TEST_PG_URL
# (default postgresql+psycopg://postgres@127.0.0.1:5432/test).
set -eu
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing Chromium for the browser tests" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "Chromium is missing: install it (Debian: apt-get install chromium); the browser tests need it" >&2
    fi
fi
python3 -m venv .venv
.venv/bin/pip install -q -e '.[test]'
exec .venv/bin/python -m pytest "$@"
