import { UserError } from '../errors/user-error';
import type { Fragment } from '../workspace/load-fragments';

export type Variant = Record<string, string>;

/** Every combination of a fragment's `variants` matrix, in declaration order; one empty variant when there is none. */
export function expandVariants(variants: Record<string, string[]>): Variant[] {
  let combos: Variant[] = [{}];
  for (const [dimension, values] of Object.entries(variants)) {
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [dimension]: value })));
  }
  return combos;
}

/** `runtime` + {backend: vllm} -> `runtime.vllm`: readable, and valid as a Dockerfile stage name. */
export function nodeId(fragment: string, variant: Variant): string {
  return [fragment, ...Object.values(variant)].join('.');
}

const REFERENCE = /\$\{([^}]*)\}/g;

/**
 * Replaces `${dimension}` with the variant's value. A reference to anything that is not one of the fragment's variant
 * dimensions is an error: a typo would otherwise reach Docker as a literal `${…}`.
 */
export function interpolate(text: string, variant: Variant, fragment: Fragment, field: (string | number)[]): string {
  return text.replace(REFERENCE, (whole, name: string) => {
    if (Object.prototype.hasOwnProperty.call(variant, name)) return variant[name];
    const known = Object.keys(variant);
    throw new UserError(
      `"${whole}" does not interpolate: "${name}" is not a variant dimension of fragment "${fragment.name}"`,
      { file: fragment.configFile, line: fragment.lineOf(field), field: field.join('.') },
      known.length > 0 ? `known dimensions: ${known.map((k) => '${' + k + '}').join(', ')}` : 'this fragment has no "variants:"; add one or remove the reference',
    );
  });
}
