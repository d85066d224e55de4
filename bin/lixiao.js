#!/usr/bin/env node
// The `lixiao` command: runs the TypeScript CLI through tsx, so `npx lixiao` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('../bot/cli/main.ts');
