#!/usr/bin/env node
// Regenerates the marked sections of fragments/README.md from the fragments (the Mermaid graph, the stage table and
// the plain docker commands: `fragments graph --mermaid|--table|--docker`). Run after changing a fragment.yaml or
// pins.yaml; packages/orchestrator/test/unit/fragments/readme.test.ts fails while the README is stale.
//   npx tsc -b && node tools/update-fragments-readme.js
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { loadGraph } = require('../packages/orchestrator/dist/index.js');
const { readmeSections, updateReadme } = require('../packages/orchestrator/dist/render/graph-docs.js');

const root = join(__dirname, '..');
const file = join(root, 'fragments/README.md');
const before = readFileSync(file, 'utf8');
const after = updateReadme(before, readmeSections(loadGraph({ root })));
writeFileSync(file, after);
console.log(after === before ? 'fragments/README.md is current' : 'fragments/README.md updated');
