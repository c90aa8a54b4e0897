import type { FragmentLint } from './lint-context';
import type { DockerInstruction, Stage } from './model/dockerfile-model';

/** One instruction as a rule sees it: which fragment, which stage (none for a global ARG), and the instruction. */
export interface InstructionVisit {
  lint: FragmentLint;
  /** Undefined for the ARGs before the first FROM (the global ARGs). */
  stage: Stage | undefined;
  instruction: DockerInstruction;
}

export interface WalkFilter {
  /** Only these keywords (upper-case, e.g. `['RUN']`). Default: every instruction. */
  keywords?: readonly string[];
  /**
   * Only the stages this accepts; the global ARGs, which belong to no stage, are then left out too. Default: the
   * global ARGs and every stage.
   */
  stages?: (stage: Stage, lint: FragmentLint) => boolean;
}

/**
 * The one way lint rules go through Dockerfile instructions: fragment by fragment (in the order given, which for
 * `context.fragments` is graph order), the global ARGs first, then each stage's instructions in file order. A
 * stage's FROM is not an instruction here: it is `stage.from`.
 */
export function* walkInstructions(fragments: FragmentLint | readonly FragmentLint[], filter: WalkFilter = {}): Generator<InstructionVisit> {
  const keywords = filter.keywords ? new Set(filter.keywords) : undefined;
  const wanted = (instruction: DockerInstruction) => !keywords || keywords.has(instruction.keyword);
  for (const lint of 'dockerfile' in fragments ? [fragments] : fragments) {
    if (!filter.stages) {
      for (const instruction of lint.dockerfile.globalArgs) if (wanted(instruction)) yield { lint, stage: undefined, instruction };
    }
    for (const stage of lint.dockerfile.stages) {
      if (filter.stages && !filter.stages(stage, lint)) continue;
      for (const instruction of stage.instructions) if (wanted(instruction)) yield { lint, stage, instruction };
    }
  }
}
