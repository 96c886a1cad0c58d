#!/usr/bin/env bash
# Refresh the page tests' copy of axe-core from npm (exact version in package-lock.json):
#   cd tests/web/axe && ./vendor.sh
# The copy is committed, so the page tests need neither Node.js nor the network.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts
cp node_modules/axe-core/axe.min.js axe.min.js
cp node_modules/axe-core/LICENSE axe-core.LICENSE
rm -rf node_modules
echo "vendored:"; ls -l axe.min.js axe-core.LICENSE
