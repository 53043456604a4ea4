import { existsSync } from 'node:fs';
import { type Config, ConfigError, loadConfig } from '../app/config.js';
import { allTargets, findTarget } from '../domain/targets.js';
import { appliedMigrations, type Db, openReadOnly } from '../store/db.js';
import { migrations } from '../store/migrations/index.js';
import { type CheckResult, fail, ok, warn } from './check.js';
import { githubFlagResults } from './github-deployment-checks.js';

const AREA = 'config';

/** Loads and validates the file; the other checks only run on a configuration that loaded. */
export function checkConfigFile(file: string, envRegion?: string): { results: CheckResult[]; config?: Config } {
  let config: Config;
  try {
    config = loadConfig(file);
  } catch (err) {
    if (err instanceof ConfigError) {
      return {
        results: err.issues.map((issue) => fail(AREA, file, issue, `fix ${file} (schema: coxswain.schema.json)`)),
      };
    }
    throw err;
  }
  const results: CheckResult[] = [
    ok(AREA, file, `loads and validates: ${Object.keys(config.services).length} service(s)`),
  ];
  for (const [service, svc] of Object.entries(config.services)) {
    for (const environment of Object.keys(svc.environments)) {
      const found = findTarget(config, service, environment);
      if (!found.ok) {
        results.push(fail(AREA, `${service}/${environment}`, found.message, `fix services.${service} in ${file}`));
        continue;
      }
      const t = found.target;
      const stacks = t.stacks.map((s) => s.name).join(', ');
      const region = t.region ?? 'the default region';
      results.push(
        ok(AREA, t.key, `mode ${t.mode}, stack ${stacks} in ${region}${t.build ? `, build ${t.build.project}` : ''}`),
      );
    }
  }
  if (allTargets(config).some((t) => !t.region) && !config.region && !envRegion) {
    results.push(
      warn(
        AREA,
        'region',
        'some targets name no region and neither `region:` nor AWS_REGION is set',
        'set `region:` in the config or AWS_REGION',
      ),
    );
  }
  return { results, config };
}

/**
 * Opens the database read-only (never creating or migrating it: the doctor changes nothing) and compares its
 * applied migrations with the code's.
 */
export function checkDatabase(file: string): CheckResult[] {
  const name = `database ${file}`;
  if (file !== ':memory:' && !existsSync(file)) {
    return [
      warn(
        AREA,
        name,
        'does not exist yet',
        'nothing to do: Coxswain creates and migrates it at start (check that the directory is writable)',
      ),
    ];
  }
  let db: Db | undefined;
  try {
    db = openReadOnly(file);
    const applied = new Set(appliedMigrations(db));
    const pending = migrations.filter((m) => !applied.has(m.version));
    const known = new Set(migrations.map((m) => m.version));
    const newer = [...applied].filter((v) => !known.has(v));
    if (newer.length > 0) {
      return [
        fail(
          AREA,
          name,
          `has migrations this version does not know (${newer.join(', ')}): written by a newer Coxswain`,
          'run the newer Coxswain, or restore a backup taken before the upgrade',
        ),
      ];
    }
    if (pending.length > 0) {
      return [
        warn(
          AREA,
          name,
          `opens; ${pending.length} migration(s) pending (${pending.map((m) => m.name).join(', ')})`,
          'nothing to do: Coxswain applies them at start',
        ),
      ];
    }
    return [ok(AREA, name, `opens and is migrated (${applied.size} migrations)`), ...githubFlagResults(db)];
  } catch (err) {
    return [
      fail(AREA, name, `cannot be opened: ${(err as Error).message}`, `check COXSWAIN_DB and the file's permissions`),
    ];
  } finally {
    db?.close();
  }
}
