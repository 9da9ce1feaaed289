#!/usr/bin/env bash
# Installs every tool Sieve's tests run for real, each at a pinned version, into .tools/ beside
# the repository (Go binaries in .tools/bin, Python tools in .tools/venv), plus Chromium and
# flawfinder from Debian when they are missing. Safe to run again: what is there at the pinned
# version is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
tools="$root/.tools"
mkdir -p "$tools/bin"

# Pinned versions: change them here only.
OSV_SCANNER_VERSION=v2.6.0
GOSEC_VERSION=v2.30.0
GITLEAKS_VERSION=v8.30.1
ACTIONLINT_VERSION=v1.7.12
BANDIT_VERSION=1.9.4
SEMGREP_VERSION=1.185.0

log() { printf '[install-test-tools] %s\n' "$*" >&2; }

# --- Debian packages -----------------------------------------------------------------------------
need=()
command -v git >/dev/null || need+=(git)
command -v flawfinder >/dev/null || need+=(flawfinder)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  log "apt-get install ${need[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# --- Go tools ------------------------------------------------------------------------------------
# osv-scanner v2.6 needs Go 1.27: the go command fetches that pinned toolchain from the module proxy.
OSV_SCANNER_GOTOOLCHAIN=go1.27.3
go_tool() { # name module version [toolchain] [ldflags]
  local name=$1 module=$2 version=$3 toolchain=${4:-local} ldflags=${5:-} stamp="$tools/bin/.$1.version"
  if [ -x "$tools/bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version $ldflags" ]; then return; fi
  log "go install $module@$version"
  GOBIN="$tools/bin" GOTOOLCHAIN="$toolchain" go install -ldflags="$ldflags" "$module@$version"
  echo "$version $ldflags" >"$stamp"
}
pids=()
go_tool osv-scanner github.com/google/osv-scanner/v2/cmd/osv-scanner "$OSV_SCANNER_VERSION" "$OSV_SCANNER_GOTOOLCHAIN" & pids+=($!)
# Release builds stamp their version; `go install` does not, so say it, or SARIF reports "dev".
go_tool gosec github.com/securego/gosec/v2/cmd/gosec "$GOSEC_VERSION" local "-X main.Version=${GOSEC_VERSION#v}" & pids+=($!)
go_tool gitleaks github.com/zricethezav/gitleaks/v8 "$GITLEAKS_VERSION" local "-X github.com/zricethezav/gitleaks/v8/version.Version=$GITLEAKS_VERSION" & pids+=($!)
go_tool actionlint github.com/rhysd/actionlint/cmd/actionlint "$ACTIONLINT_VERSION" & pids+=($!)

# --- Python tools --------------------------------------------------------------------------------
py_stamp="$tools/venv/.versions"
py_want="bandit[sarif]==$BANDIT_VERSION semgrep==$SEMGREP_VERSION"
if [ "$(cat "$py_stamp" 2>/dev/null)" != "$py_want" ]; then
  log "pip install $py_want"
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check $py_want
  echo "$py_want" >"$py_stamp"
fi
ln -sf ../venv/bin/bandit "$tools/bin/bandit"
ln -sf ../venv/bin/semgrep "$tools/bin/semgrep"
ln -sf ../venv/bin/pysemgrep "$tools/bin/pysemgrep" 2>/dev/null || true
ln -sf ../venv/bin/semgrep-core "$tools/bin/semgrep-core" 2>/dev/null || true

for pid in "${pids[@]}"; do wait "$pid"; done
log "tools in $tools/bin: $(ls "$tools/bin" | tr '\n' ' ')"
