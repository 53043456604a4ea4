#!/usr/bin/env bash
# Installs, builds and starts Coxswain (reads COXSWAIN_CONFIG, default ./coxswain.yml, and the env vars in README).
# With nothing configured (no Slack variables, no GITHUB_TOKEN, no config file) it starts the sandbox instead:
# the real Coxswain against simulated Slack, GitHub and AWS on 127.0.0.1 (src/app/launch-mode.ts decides).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-node.sh
# Exactly what package-lock.json says; refuses (fails) when the lock file and package.json disagree.
npm ci --no-audit --no-fund
npm run build
exec node dist/src/app/start.js
