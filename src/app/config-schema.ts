/**
 * The JSON Schema of coxswain.yml, generated from the zod schema that validates it at start (z.toJSONSchema), so
 * editors complete and check the file with the same rules. Shipped as coxswain.schema.json (`npm run schema`
 * rewrites it; a test fails when it no longer matches). Cross-field rules (mode needs a build, approvals vs
 * approvers) live in zod refinements that JSON Schema cannot express: only the bot's own check enforces those.
 */
import { z } from 'zod';
import { configSchema } from './config.js';

export const SCHEMA_FILE = 'coxswain.schema.json';

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    title: 'Coxswain configuration (coxswain.yml)',
  };
}

export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
