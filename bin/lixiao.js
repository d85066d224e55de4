#!/usr/bin/env node
// The `lixiao` command: the compiled CLI when it is up to date, else the TypeScript sources (see run-entry.js).
import { runEntry } from './run-entry.js';

await runEntry('bot/cli/main');
