// Generates a migration from the difference between the entities and DATABASE_URL's schema.
import { openOrm } from '../src/db/orm.ts';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('set DATABASE_URL to a scratch database migrated to the latest committed migration');
const orm = await openOrm(url);
const result = await orm.getMigrator().createMigration(undefined, false, process.argv.includes('--initial'));
console.log(result.fileName ? `created migrations/${result.fileName}` : 'no changes');
await orm.close();
