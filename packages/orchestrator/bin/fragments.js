#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/cli/main.ts by `npm ci` (the root "prepare" script runs `tsc -b`).
require('../dist/cli/main')
  .main(process.argv.slice(2))
  .then((code) => process.exit(code));
