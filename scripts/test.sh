#!/usr/bin/env bash
# Installs exactly what package-lock.json says and runs the whole test command (lint, types, tests).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-node.sh
source scripts/ensure-chromium.sh
echo "node $(node -v), npm $(npm -v)"
# Exactly what package-lock.json says; refuses (fails) when the lock file and package.json disagree.
npm ci --no-audit --no-fund
npm test
