#!/usr/bin/env bash
# Install what ldap2ts needs on a Debian or Ubuntu machine, then create .venv.
# System packages: OpenLDAP server and clients (tests, demo, benchmark), the
# headers python-ldap compiles against, GNU time (the benchmark's CPU and
# memory figures), and Samba AD for the AD tests.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(slapd ldap-utils libldap2-dev libsasl2-dev gcc python3-dev openssl time
          samba samba-ad-dc samba-ad-provision winbind ldb-tools)

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
    if [[ $(id -u) -eq 0 ]]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
        echo "Error: missing system packages: ${missing[*]}; install them as root and run this again" >&2
        exit 1
    fi
    echo "Installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -q
    # policy-rc.d 101 stops the packages' maintainer scripts from starting
    # slapd or samba as system services; the tests start their own.
    policy=/usr/sbin/policy-rc.d
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
        "${sudo[@]}" chmod +x "$policy"
        trap '"${sudo[@]}" rm -f "$policy"' EXIT
    fi
    "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# A pip configuration may name local package folders (find-links) that do not
# exist on this machine; pip then warns once per package and folder. Only
# those lines are dropped from pip's stderr; every other line is kept, and
# pip's exit status is returned.
missing_location="^WARNING: Location 'file://[^']*' is ignored: it is neither a file nor a directory\.$"
run_pip() {
    local statuses
    set +e
    { .venv/bin/python -m pip "$@" 2>&1 1>&3 3>&- | grep -v -E "$missing_location" >&2; } 3>&1
    statuses=("${PIPESTATUS[@]}")
    set -e
    return "${statuses[0]}"
}

python=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
    "$python" -m venv .venv
fi
if ! cmp -s requirements.lock .venv/.installed-lock 2>/dev/null; then
    run_pip install -q --upgrade pip
    run_pip install -q -r requirements.lock
    cp requirements.lock .venv/.installed-lock
fi
run_pip install -q --no-deps --no-build-isolation -e .
