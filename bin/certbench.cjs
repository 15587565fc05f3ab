#!/usr/bin/env node
'use strict';
// The `certbench` command. The CLI is bundled by `npm run build` (run by `npm install` through the
// `prepare` script); say so plainly if it is missing instead of printing a stack trace.
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.cjs');
if (!fs.existsSync(cli)) {
  process.stderr.write('certbench: the command line is not built yet; run "npm run build" in ' + path.dirname(__dirname) + '\n');
  process.exit(2);
}
require(cli);
