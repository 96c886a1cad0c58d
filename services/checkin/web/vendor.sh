#!/usr/bin/env bash
# Refresh the scanner's vendored libraries from npm (exact versions in package-lock.json):
#   cd services/checkin/web && ./vendor.sh
# The copies are committed, so running ForumOps needs no Node.js; this is only for upgrades.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts
out=../checkin/static/vendor
mkdir -p "$out"
cp node_modules/@noble/ed25519/index.js "$out/noble-ed25519.js"
cp node_modules/@noble/ed25519/LICENSE "$out/noble-ed25519.LICENSE"
cp node_modules/barcode-detector/dist/iife/ponyfill.js "$out/barcode-detector.js"
cp node_modules/barcode-detector/LICENSE "$out/barcode-detector.LICENSE"
cp node_modules/zxing-wasm/dist/reader/zxing_reader.wasm "$out/zxing_reader.wasm"
cp node_modules/zxing-wasm/LICENSE "$out/zxing-wasm.LICENSE"
echo "vendored into $out:"; ls -l "$out"
