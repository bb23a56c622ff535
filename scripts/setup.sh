#!/usr/bin/env bash
# Installs what reelgraph needs on a fresh machine: FFmpeg (Debian's, when missing) and the
# npm dependencies (better-sqlite3 builds from source). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_ffmpeg() { ! command -v ffmpeg >/dev/null 2>&1 || ! command -v ffprobe >/dev/null 2>&1; }

if need_ffmpeg; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ffmpeg with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends ffmpeg fonts-dejavu-core >/dev/null
  elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ffmpeg with sudo apt-get" >&2
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ffmpeg fonts-dejavu-core >/dev/null
  else
    echo "setup: FFmpeg 5 or newer is required (ffmpeg and ffprobe on PATH). Install it with your package manager (e.g. 'brew install ffmpeg') and run this again." >&2
    exit 1
  fi
fi
filters=$(ffmpeg -hide_banner -filters 2>/dev/null || true)
case "$filters" in *drawtext*) ;; *) echo "setup: this ffmpeg lacks the drawtext filter; install a full build (Debian's ffmpeg package has it)" >&2; exit 1 ;;
esac

# Whether node_modules holds every package the lockfile names, at its version (npm's own record,
# node_modules/.package-lock.json). Contents, not file times: a fresh checkout or a worktree
# sharing node_modules has a newer lockfile that names the same packages.
lock_installed() {
  node -e '
    const fs = require("fs");
    const want = JSON.parse(fs.readFileSync("package-lock.json", "utf8")).packages || {};
    const have = JSON.parse(fs.readFileSync("node_modules/.package-lock.json", "utf8")).packages || {};
    for (const [path, p] of Object.entries(want)) {
      if (!path || p.optional || p.peer || p.link) continue;
      if (!have[path] || have[path].version !== p.version) { console.error("setup: " + path + " " + p.version + " is not installed"); process.exit(1); }
    }' 2>&1 | head -3 >&2
  return "${PIPESTATUS[0]}"
}

if [ ! -f node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies (better-sqlite3 builds from source: about a minute)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
elif ! lock_installed; then
  echo "setup: package-lock.json names packages node_modules lacks; updating npm dependencies" >&2
  npm install --no-audit --no-fund --loglevel=error >&2
fi
node -e "require('better-sqlite3')" 2>/dev/null || { echo "setup: rebuilding better-sqlite3" >&2; npm rebuild better-sqlite3 >&2; }
# The built CLI and library (dist/): the package's bin, npm run serve and the tests of the
# built files use it. Incremental: a second run only re-emits what changed.
echo "setup: building dist/" >&2
npm run --silent build >&2
echo "setup: ready" >&2
