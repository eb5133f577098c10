#!/usr/bin/env node
/**
 * The package's bin. It always runs, whatever name npm links it under (`requests-ts` in
 * node_modules/.bin, a global shim, npx): the library file cli/main.js never runs on import.
 */
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(
      `requests-ts: error: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
