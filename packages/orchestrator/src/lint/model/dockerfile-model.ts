import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { parseShell, type ShellCommand } from './shell-commands';
import { runScript } from './run-script';

/**
 * A Dockerfile as the lint rules see it: stages with their instructions, each with its 1-based line, flags,
 * arguments and (for RUN) the shell commands it executes. Built on dockerfile-ast; never throws on bad input.
 */
export interface DockerfileModel {
  /** Workspace-relative path, for findings. */
  file: string;
  /** ARG instructions before the first FROM (visible to FROM lines). */
  globalArgs: DockerInstruction[];
  stages: Stage[];
}

export interface Stage {
  index: number;
  /** `FROM … AS name`, as written. */
  name?: string;
  from: { line: number; image: string; variables: string[] };
  /** Instructions after the FROM, up to the next FROM. */
  instructions: DockerInstruction[];
}

export interface DockerInstruction {
  keyword: string;
  /** 1-based first line: findings point here, and a silence comment goes on the line before it. */
  line: number;
  flags: Flag[];
  /** Arguments after the flags; for the JSON form, the decoded array. */
  args: string[];
  /** Everything after the keyword and flags, as written (heredoc bodies included). */
  raw: string;
  /** ARG and ENV: each `NAME=value` (value undefined for `ARG NAME`). */
  properties: { name: string; value?: string }[];
  /** RUN: the shell commands it runs. */
  commands: ShellCommand[];
  /** RUN: `--mount` flags, parsed. */
  mounts: Mount[];
}

export interface Flag {
  name: string;
  value: string | null;
}

/** One `RUN --mount=type=…,target=…` (keys as written; `dst`/`destination` normalised to `target`). */
export type Mount = Record<string, string>;

export function parseDockerfileModel(text: string, file: string): DockerfileModel {
  const dockerfile = DockerfileParser.parse(text);
  const lines = text.split(/\r?\n/);
  const escapeChar = dockerfile.getEscapeCharacter();
  const model: DockerfileModel = { file, globalArgs: [], stages: [] };
  for (const node of dockerfile.getInstructions()) {
    const keyword = node.getKeyword().toUpperCase();
    const instruction = toInstruction(node, keyword, lines, escapeChar);
    if (keyword === 'FROM') {
      const from = node as unknown as { getImage(): string | null; getBuildStage(): string | null };
      model.stages.push({
        index: model.stages.length,
        name: from.getBuildStage() ?? undefined,
        from: { line: instruction.line, image: from.getImage() ?? '', variables: node.getVariables().map((v) => v.getName()) },
        instructions: [],
      });
    } else if (model.stages.length === 0) {
      if (keyword === 'ARG') model.globalArgs.push(instruction);
    } else {
      model.stages[model.stages.length - 1].instructions.push(instruction);
    }
  }
  return model;
}

function toInstruction(node: Instruction, keyword: string, lines: string[], escapeChar: string): DockerInstruction {
  const raw = node.getRawArgumentsContent() ?? '';
  const flags: Flag[] = 'getFlags' in node ? (node as unknown as { getFlags(): { getName(): string; getValue(): string | null }[] }).getFlags().map((f) => ({ name: f.getName(), value: f.getValue() })) : [];
  const instruction: DockerInstruction = {
    keyword,
    line: node.getRange().start.line + 1,
    flags,
    args: jsonArray(raw) ?? node.getArguments().map((a) => a.getValue()),
    raw,
    properties: [],
    commands: [],
    mounts: [],
  };
  if (keyword === 'ARG' || keyword === 'ENV') {
    const props = (node as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }).getProperties();
    instruction.properties = props.map((p) => ({ name: p.getName(), value: p.getValue() ?? undefined }));
  }
  if (keyword === 'RUN') {
    instruction.commands = parseShell(runScript(node, lines, escapeChar));
    instruction.mounts = flags.filter((f) => f.name === 'mount' && f.value).map((f) => parseMount(f.value!));
  }
  return instruction;
}

/** The JSON (exec) form `["a", "b"]`, or undefined for the shell form. */
export function jsonArray(raw: string): string[] | undefined {
  const trimmed = raw.trim();
  if (!trimmed.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
  } catch {
    return undefined;
  }
}

function parseMount(value: string): Mount {
  const mount: Mount = {};
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const v = eq < 0 ? 'true' : part.slice(eq + 1).trim();
    mount[key === 'dst' || key === 'destination' ? 'target' : key === 'src' ? 'source' : key] = v;
  }
  return mount;
}

/** Value of `--name=…` on an instruction (the last one wins, as in BuildKit). */
export function flagValue(instruction: DockerInstruction, name: string): string | undefined {
  const found = instruction.flags.filter((f) => f.name === name);
  return found.length > 0 ? (found[found.length - 1].value ?? '') : undefined;
}
