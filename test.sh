#!/usr/bin/env bash
# Runs the whole test suite on a fresh clone: installs what the tests need, builds, tests, prints one summary line.
set -euo pipefail
cd "$(dirname "$0")"

# Azurite (Azure Blob emulator) for the Azure storage tests, from the npm registry into a local folder.
if [ ! -x .tools/azurite/node_modules/.bin/azurite-blob ]; then
  echo "Installing Azurite into .tools/azurite ..."
  mkdir -p .tools/azurite
  npm install --prefix .tools/azurite azurite@3.37.0 --no-audit --no-fund --loglevel=error >/dev/null
fi

# PostgreSQL server binaries for the PostgreSQL source tests (the tests start their own server as an unprivileged user).
if ! command -v initdb >/dev/null 2>&1 && [ ! -x /usr/lib/postgresql/15/bin/initdb ] \
   && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "Installing PostgreSQL ..."
  sudo=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
  if ! { $sudo apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null; }; then
    echo "warning: PostgreSQL could not be installed; the PostgreSQL tests will fail under CI (skip otherwise)" >&2
  fi
fi

# dotnet-repl, which runs the notebooks headlessly in tests/Cdp.Notebooks.Tests, pinned in .config/dotnet-tools.json.
dotnet tool restore >/dev/null

dotnet restore Cdp.Lakehouse.sln --verbosity quiet
dotnet build Cdp.Lakehouse.sln -c Release --no-restore --verbosity quiet -nologo

log=$(mktemp)
status=0
dotnet test Cdp.Lakehouse.sln -c Release --no-build --verbosity quiet -nologo --logger "console;verbosity=minimal" 2>&1 | tee "$log" || status=$?

# One closing line over all test projects: "N passed, N failed, N skipped".
awk '
  /(Passed|Failed)!/ {
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:")  { f += $(i+1) + 0 }
      if ($i == "Passed:")  { p += $(i+1) + 0 }
      if ($i == "Skipped:") { s += $(i+1) + 0 }
    }
  }
  END { printf "%d passed, %d failed, %d skipped\n", p, f, s }
' "$log"
rm -f "$log"
exit $status
