// Which secrets each planned build may see, and the check that every required one has a value. Values stay in
// memory and go only to the BuildKit session of builds whose fragment declares the id.

import { UserError, UserErrors } from '../errors/user-error';
import type { Plan, PlannedBuild } from '../plan/make-plan';
import { secretHint } from './secret-spec';

/** Fails before any build when a planned fragment requires a secret nobody passed; every missing one is listed. */
export function checkRequiredSecrets(plan: Plan, provided: ReadonlySet<string>): void {
  const errors: UserError[] = [];
  const seen = new Set<string>();
  for (const build of plan.builds) {
    const fragment = build.node.fragment;
    for (const [id, decl] of Object.entries(fragment.config.secrets ?? {})) {
      if (!decl.required || provided.has(id) || seen.has(`${fragment.name}/${id}`)) continue;
      seen.add(`${fragment.name}/${id}`);
      const what = decl.description ? ` (${decl.description})` : '';
      errors.push(
        new UserError(
          `fragment ${fragment.name} requires secret ${id}${what}, and none was given`,
          { file: fragment.configFile, line: fragment.lineOf(['secrets', id]), field: `secrets.${id}` },
          secretHint(id),
        ),
      );
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new UserErrors(errors);
}

/** The secrets served to one build: only the ids its fragment declares. */
export function secretsForBuild(build: PlannedBuild, values: ReadonlyMap<string, Buffer>): Record<string, Buffer> {
  const declared = Object.keys(build.node.fragment.config.secrets ?? {});
  return Object.fromEntries(declared.filter((id) => values.has(id)).map((id) => [id, values.get(id)!]));
}
