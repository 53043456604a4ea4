import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = new URL('../../src/', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every src/ file, relative to src/ (e.g. `deploys/lifecycle.ts`). */
export function sourceFiles(): string[] {
  return sources(SRC).map((f) => relative(SRC, f));
}

/** Every line of src/ matching `pattern`, as `file:line: code`, for the architecture checks. */
export function sourceLinesMatching(pattern: RegExp): string[] {
  return sourceFiles().flatMap((f) =>
    readFileSync(join(SRC, f), 'utf8')
      .split('\n')
      .map((line, i) => ({ i: i + 1, line }))
      .filter(({ line }) => pattern.test(line))
      .map(({ i, line }) => `${f}:${i}: ${line.trim()}`),
  );
}

/** The lines whose file matches none of `allowed`. */
export function outside(lines: string[], allowed: RegExp[]): string[] {
  return lines.filter((l) => !allowed.some((re) => re.test(l.split(':')[0]!)));
}
