#!/bin/sh
# Browser tests drive Debian's headless Chromium; install the package when it is missing.
set -e
if command -v chromium >/dev/null 2>&1; then exit 0; fi
echo "== installing Debian's chromium package for the browser tests"
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
command -v chromium >/dev/null 2>&1
