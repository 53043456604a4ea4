#!/usr/bin/env bash
# Installs, builds and starts Coxswain (reads COXSWAIN_CONFIG, default ./coxswain.yml, and the env vars in README).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-node.sh
# Exactly what package-lock.json says; refuses (fails) when the lock file and package.json disagree.
npm ci --no-audit --no-fund
npm run build
exec npm start
