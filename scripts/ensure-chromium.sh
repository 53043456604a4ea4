#!/usr/bin/env bash
# Sourced by scripts/test.sh: the sandbox's browser test drives Debian's chromium (playwright-core brings no browser
# of its own, and nothing else may be downloaded). Installs it with apt when it is missing.
if [[ ! -x /usr/bin/chromium ]]; then
  sudo=""
  if [[ "$(id -u)" != 0 ]]; then sudo="sudo"; fi
  echo "ensure-chromium: installing Debian's chromium for the browser test" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium
fi
