// npm run schema: rewrites coxswain.schema.json from the zod config schema.
import { writeFileSync } from 'node:fs';
import { configJsonSchemaText, SCHEMA_FILE } from '../src/app/config-schema.js';

writeFileSync(SCHEMA_FILE, configJsonSchemaText());
process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
