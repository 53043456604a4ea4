#!/usr/bin/env bash
# Installs, builds and starts Coxswain (reads COXSWAIN_CONFIG, default ./coxswain.yml, and the env vars in README).
# With nothing configured (no Slack variables, no GITHUB_TOKEN, no config file) it starts the sandbox instead:
# the real Coxswain against simulated Slack, GitHub and AWS on 127.0.0.1 (src/launch-mode.ts decides).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-node.sh
# The registry here lacks some of Biome's optional per-platform binaries, which `npm ci` refuses; `npm install`
# still installs exactly the locked versions of everything this platform needs.
npm install --no-audit --no-fund --no-save
npm run build
exec node dist/src/start.js
