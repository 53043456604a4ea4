import { sql as core } from './001-core.js';

/** Numbered, append-only. A migration is never edited once it has shipped. */
export const migrations: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  { version: 1, name: 'core', sql: core },
];
