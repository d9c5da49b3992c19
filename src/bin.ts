#!/usr/bin/env node
// dist/cli.js, the `drp` binary. Stack traces from the bundle name src/*.ts only when Node maps
// them, and Node reads a module's source map only if mapping is on when the module loads: this
// entry turns it on, then loads the CLI, whose commands load the rest of drp on demand.
process.setSourceMapsEnabled(true);
await import('./cli.js');
