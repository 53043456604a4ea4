#!/usr/bin/env bash
# Installs exactly what package-lock.json says and runs the whole test command (lint, types, tests).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-node.sh
echo "node $(node -v), npm $(npm -v)"
# The registry here lacks some of Biome's optional per-platform binaries, which `npm ci` refuses; `npm install`
# still installs exactly the locked versions of everything this platform needs.
npm install --no-audit --no-fund --no-save
npm test
