import type { FragmentLint, LintContext } from '../lint-context';
import { allInstructions, type DockerInstruction } from '../model/dockerfile-model';

/** Every RUN of every fragment, with its fragment: what most rules iterate over. */
export function* runInstructions(context: LintContext): Generator<{ lint: FragmentLint; instruction: DockerInstruction }> {
  for (const lint of context.fragments) {
    for (const instruction of allInstructions(lint.dockerfile)) {
      if (instruction.keyword === 'RUN') yield { lint, instruction };
    }
  }
}
