// `npm start`: the service, compiled when up to date, else from the TypeScript sources (see run-entry.js).
import { runEntry } from './run-entry.js';

await runEntry('bot/main');
