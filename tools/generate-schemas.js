#!/usr/bin/env node
// Writes schemas/*.schema.json from the zod schemas (the single source of truth for every config file and the plan
// JSON), and removes schema files no longer generated. Run: npm run generate:schemas (compiles first). A unit test
// (schemas.test.ts) fails when a checked-in file differs from what this writes.
'use strict';
const { mkdirSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { JSON_SCHEMA_FILES, SCHEMAS_DIR, jsonSchemaText } = require('../packages/orchestrator/dist/schema/json-schemas');

const dir = join(resolve(__dirname, '..'), SCHEMAS_DIR);
mkdirSync(dir, { recursive: true });
for (const entry of JSON_SCHEMA_FILES) {
  writeFileSync(join(dir, entry.file), jsonSchemaText(entry));
  console.log(`wrote ${SCHEMAS_DIR}/${entry.file}`);
}
const wanted = new Set(JSON_SCHEMA_FILES.map((e) => e.file));
for (const file of readdirSync(dir).filter((f) => f.endsWith('.schema.json') && !wanted.has(f))) {
  rmSync(join(dir, file));
  console.log(`removed ${SCHEMAS_DIR}/${file}`);
}
