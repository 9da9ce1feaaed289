#!/usr/bin/env node
// The package's bin: runs the compiled CLI (built by `npm ci`/`npm install` through `prepare`).
import '../dist/cli/bin.js';
