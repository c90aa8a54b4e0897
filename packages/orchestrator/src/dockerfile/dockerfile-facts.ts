import { readFileSync } from 'node:fs';
import { UserError } from '../errors/user-error';

/** What the orchestrator needs to know about a Dockerfile, read with a real parser (dockerfile-ast), not regexes. */
export interface DockerfileFacts {
  file: string;
  text: string;
  /** ARGs declared before the first FROM: the only ones a FROM line can use. */
  globalArgs: Map<string, ArgDeclaration>;
  /** Every ARG declared anywhere (global or inside a stage), first declaration wins. */
  allArgs: Map<string, ArgDeclaration>;
  froms: FromLine[];
  /** Stage names (`FROM … AS name`), in order. */
  stages: string[];
}

export interface ArgDeclaration {
  name: string;
  line: number;
  defaultValue?: string;
}

export interface FromLine {
  line: number;
  /** The image expression as written, e.g. `${DYNAMO_IMAGE}` or `scratch`. */
  image: string;
  stage?: string;
  /** Names of the variables the image expression uses. */
  variables: string[];
}

/** BuildKit fills these in itself; a FROM may use them without any ARG binding. */
export const AUTOMATIC_PLATFORM_ARGS = new Set([
  'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT',
  'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT',
]);

export function readDockerfileFacts(file: string, displayName = file): DockerfileFacts {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read Dockerfile: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: displayName });
  }
  return parseDockerfileFacts(text, displayName);
}

export function parseDockerfileFacts(text: string, displayName: string): DockerfileFacts {
  // Required here, not at the top: the graph needs AUTOMATIC_PLATFORM_ARGS on every run, the parser only when the
  // parse cache does not know this Dockerfile (see workspace/parsed-config-cache.ts).
  const { DockerfileParser } = require('dockerfile-ast') as typeof import('dockerfile-ast');
  const dockerfile = DockerfileParser.parse(text);
  const globalArgs = new Map<string, ArgDeclaration>();
  const allArgs = new Map<string, ArgDeclaration>();
  for (const arg of dockerfile.getInitialARGs()) {
    for (const decl of argDeclarations(arg)) {
      if (!globalArgs.has(decl.name)) globalArgs.set(decl.name, decl);
    }
  }
  for (const arg of dockerfile.getARGs()) {
    for (const decl of argDeclarations(arg)) {
      if (!allArgs.has(decl.name)) allArgs.set(decl.name, decl);
    }
  }
  const froms: FromLine[] = dockerfile.getFROMs().map((from) => ({
    line: from.getRange().start.line + 1,
    image: from.getImage() ?? '',
    stage: from.getBuildStage() ?? undefined,
    variables: from.getVariables().map((v) => v.getName()),
  }));
  if (froms.length === 0) {
    throw new UserError('the Dockerfile has no FROM instruction', { file: displayName, line: 1 }, 'every fragment Dockerfile needs at least one FROM');
  }
  const stages = froms.flatMap((f) => (f.stage ? [f.stage] : []));
  return { file: displayName, text, globalArgs, allArgs, froms, stages };
}

function argDeclarations(arg: { getProperties(): { getName(): string; getValue(): string | null }[]; getRange(): { start: { line: number } } }): ArgDeclaration[] {
  return arg.getProperties().map((p) => {
    const value = p.getValue();
    return { name: p.getName(), line: arg.getRange().start.line + 1, defaultValue: value === null ? undefined : value };
  });
}
