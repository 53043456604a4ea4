import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configJsonSchema, SCHEMA_FILE } from '../../src/app/config-schema.js';

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
};

/** Every key and enum value of a document must be allowed by the schema (what an editor would flag). */
function unknownKeys(doc: unknown, schema: Schema, path = ''): string[] {
  if (Array.isArray(doc))
    return doc.flatMap((v, i) => (schema.items ? unknownKeys(v, schema.items, `${path}[${i}]`) : []));
  if (schema.enum && !schema.enum.includes(doc)) return [`${path}: ${String(doc)} not in enum`];
  if (typeof doc === 'string' && schema.pattern && !new RegExp(schema.pattern).test(doc)) return [`${path}: ${doc}`];
  if (doc === null || typeof doc !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(doc)) {
    const sub =
      schema.properties?.[k] ??
      (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (!sub) out.push(`${path}.${k}`);
    else out.push(...unknownKeys(v, sub, `${path}.${k}`));
  }
  return out;
}

describe('coxswain.schema.json', () => {
  it('is exactly what the zod config schema generates (run `npm run schema` after changing src/config.ts)', () => {
    expect(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'))).toEqual(configJsonSchema());
  });

  it('rejects unknown keys and requires channel and services, like the loader', () => {
    const s = configJsonSchema() as Schema;
    expect(s.additionalProperties).toBe(false);
    expect(s.required).toEqual(expect.arrayContaining(['channel', 'services']));
    const services = s.properties?.services?.additionalProperties as Schema | undefined;
    const service = services?.properties ?? {};
    expect(service.mode?.enum).toEqual(['parameters', 'template', 'build']);
    expect(unknownKeys({ channel: 'C0X', chanel: 'typo' }, s)).toEqual(['.chanel']);
  });

  it('is referenced by the example configuration, which it accepts key for key', () => {
    const text = readFileSync('coxswain.example.yml', 'utf8');
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=./${SCHEMA_FILE}`);
    expect(unknownKeys(parse(text), configJsonSchema() as Schema)).toEqual([]);
  });
});
