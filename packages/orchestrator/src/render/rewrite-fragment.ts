import { DockerfileParser, type Arg, type Copy, type Dockerfile, type From, type Instruction, type JSONInstruction, type Run } from 'dockerfile-ast';
import { AUTOMATIC_PLATFORM_ARGS } from '../dockerfile/dockerfile-facts';
import { UserError } from '../errors/user-error';
import type { GraphNode } from '../graph/fragment-graph';
import { argValueText, renamedArg, STAGE_NAME } from './arg-names';
import { contextName, contextPrefix, HEREDOC, prefixedSource, REMOTE_SOURCE, sourcesOf } from './context-reads';
import { applyEdits, OffsetMap, type TextEdit, type TextRange } from './text-edits';

export { contextName, contextPrefix } from './context-reads';

/**
 * How fragments' build contexts reach the one rendered Dockerfile:
 * - `named-contexts`: every context COPY reads `--from=ctx-<node>`, a BuildKit named context given on the command
 *   line (`docker buildx build --build-context ctx-<node>=<folder>`). Needs the Dockerfile frontend >= 1.4 (buildx).
 * - `single-context`: one combined context holds each fragment's files under `.fragments/<node>/`, and context
 *   sources are rewritten to that prefix. Builds with any BuildKit, including Docker 20.10's built-in frontend.
 */
export type ContextMode = 'named-contexts' | 'single-context';

export interface RewriteInput {
  node: GraphNode;
  /**
   * The node's build args on the rendered platform (the first one, when several); each `uses` ARG holds the upstream
   * node id (its stage name).
   */
  buildArgs: Record<string, string>;
  mode: ContextMode;
  /** Platforms the one file is for (default: one). Platform ARGs in stage names (`FROM base-${TARGETARCH}`) take each. */
  platforms?: readonly string[];
  /**
   * Base-image ARGs whose image differs by platform: ARG -> TARGETARCH value -> image. `FROM ${ARG}` becomes per-arch
   * stage aliases (`FROM --platform=linux/amd64 <image> AS <node>--<arg>-amd64`, …) chosen with `${TARGETARCH}`.
   */
  perArchBases?: Record<string, Record<string, { platform: string; image: string }>>;
}

/** One line of the global ARG block: `ARG <name>[=<valueText>]`. */
export interface HoistedArg {
  name: string;
  /** The ARG name in the fragment's Dockerfile. */
  original: string;
  /** Dockerfile text after `=`, already quoted; absent for a declaration without default. */
  valueText?: string;
}

export interface RewrittenFragment {
  nodeId: string;
  globalArgs: HoistedArg[];
  /** Automatic platform ARGs (TARGETARCH, …) the Dockerfile declares globally: kept as they are, never renamed. */
  platformArgs: string[];
  /** From the first FROM through the node's target stage, rewritten. */
  body: string;
  /** Stage names, in order (per-arch base aliases first); the last one is the node id. */
  stages: string[];
  /** Some instruction reads the fragment's build context. */
  usesContext: boolean;
  /** Image references left as they are (literal FROM images, COPY --from images), checked against stage names. */
  externalImages: { image: string; line: number }[];
  warnings: string[];
}

const EXACT_VARIABLE = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/;

/** The value BuildKit gives a platform ARG when building for `platform` (`linux/arm64/v8`); undefined if unknown. */
function platformArgValue(name: string, platform: string | undefined): string | undefined {
  if (!platform) return undefined;
  const [os, arch, variant] = platform.split('/');
  switch (name) {
    case 'TARGETPLATFORM':
      return platform;
    case 'TARGETOS':
      return os;
    case 'TARGETARCH':
      return arch;
    case 'TARGETVARIANT':
      return variant ?? '';
    default:
      return undefined; // BUILD*: the builder's, not known when rendering
  }
}

/** `${NAME}` or `$NAME` -> NAME; anything else (modifiers, text around it) -> undefined. */
function exactVariable(text: string): string | undefined {
  const m = EXACT_VARIABLE.exec(text);
  return m ? m[1] ?? m[2] : undefined;
}

/**
 * Rewrites one fragment's Dockerfile for the combined file: stages renamed `<node>--<stage>` (the target stage is the
 * node id), `FROM ${USES_ARG}` replaced by the upstream stage, references to its own stages renamed, global ARGs
 * renamed per node with resolved defaults, in-stage ARGs bound to those, and context reads pointed at the fragment's
 * context. Works on dockerfile-ast's ranges: the rest of the text (comments, continuations, heredocs) is kept as is.
 */
export function rewriteFragment(input: RewriteInput): RewrittenFragment {
  return new FragmentRewriter(input).run();
}

class FragmentRewriter {
  private readonly node: GraphNode;
  private readonly file: string;
  private readonly text: string;
  private readonly dockerfile: Dockerfile;
  private readonly offsets: OffsetMap;
  private readonly edits: TextEdit[] = [];
  private readonly hoisted = new Map<string, HoistedArg>();
  /** Global ARGs with a default (or a binding): an in-stage `ARG X` without value takes it. */
  private readonly globalDefaults = new Set<string>();
  private readonly platformArgs: string[] = [];
  /** ARG -> its value at render time, when known as a literal (bindings, literal global defaults). */
  private readonly resolvedValues = new Map<string, string>();
  /** Lower-cased stage name or index -> new name; only stages already defined (BuildKit resolves backwards only). */
  private readonly stageRefs = new Map<string, string>();
  private readonly externalImages: { image: string; line: number }[] = [];
  private readonly warnings: string[] = [];
  private usesContext = false;
  /** ARG -> arch -> image, for bases that differ by platform (see RewriteInput.perArchBases). */
  private readonly perArch: Map<string, Record<string, { platform: string; image: string }>>;
  private readonly aliasLines: string[] = [];
  private readonly aliasStages: string[] = [];

  constructor(private readonly input: RewriteInput) {
    this.node = input.node;
    this.file = input.node.fragment.dockerfileDisplay;
    this.text = input.node.fragment.facts.text;
    this.dockerfile = DockerfileParser.parse(this.text);
    this.offsets = new OffsetMap(this.text);
    this.perArch = new Map(Object.entries(input.perArchBases ?? {}));
  }

  run(): RewrittenFragment {
    this.checkDirectives();
    const froms = this.dockerfile.getFROMs();
    const target = this.targetIndex(froms);
    const stages = froms.slice(0, target + 1).map((from, i) => (i === target ? this.node.id : `${this.node.id}--${(from.getBuildStage() ?? String(i)).toLowerCase()}`));
    for (const name of stages) {
      if (!STAGE_NAME.test(name)) {
        throw new UserError(`"${name}" is not a valid stage name, so ${this.node.id} cannot be rendered into one Dockerfile`, { file: this.node.fragment.configFile }, 'stage names start with a lower-case letter; rename the fragment folder');
      }
    }
    this.hoistGlobalArgs();

    const bodyStart = this.offsets.offset(froms[0].getRange().start);
    const bodyEnd = target + 1 < froms.length ? this.offsets.offset(froms[target + 1].getRange().start) : this.text.length;
    const fromLines = froms.map((f) => f.getRange().start.line);
    for (const instruction of this.dockerfile.getInstructions()) {
      const line = instruction.getRange().start.line;
      const stage = fromLines.filter((l) => l <= line).length - 1;
      if (stage < 0 || stage > target) continue; // global ARGs are hoisted; stages after the target are not built
      this.rewriteInstruction(instruction, stage, stages);
    }
    let body = applyEdits(this.text, this.edits, bodyStart, bodyEnd).replace(/\r\n?/g, '\n');
    if (!body.endsWith('\n')) body += '\n';
    const aliases = this.aliasLines.length > 0 ? ['# Per-architecture base images, chosen below with ${TARGETARCH}:', ...this.aliasLines, ''] : [];
    return {
      nodeId: this.node.id,
      globalArgs: [...this.hoisted.values()],
      platformArgs: this.platformArgs,
      body: aliases.join('\n') + body,
      stages: [...this.aliasStages, ...stages],
      usesContext: this.usesContext,
      externalImages: this.externalImages,
      warnings: this.warnings,
    };
  }

  private checkDirectives() {
    if (this.dockerfile.getEscapeCharacter() !== '\\') {
      throw new UserError('uses "# escape=" with another escape character; it cannot be combined with other Dockerfiles into one file', { file: this.file, line: 1 }, 'use the default escape character (\\) in fragment Dockerfiles');
    }
    for (const directive of this.dockerfile.getDirectives()) {
      if (directive.getName().toLowerCase() === 'syntax') {
        this.warnings.push(`${this.file}: its "# syntax=${directive.getValue()}" directive is dropped; the rendered Dockerfile uses the builder's built-in frontend`);
      }
    }
  }

  private targetIndex(froms: From[]): number {
    if (!this.node.target) return froms.length - 1;
    const want = this.node.target.toLowerCase();
    const index = froms.findIndex((f) => f.getBuildStage()?.toLowerCase() === want);
    if (index < 0) throw new UserError(`target "${this.node.target}" is not a stage`, { file: this.file });
    return index;
  }

  /** Global ARGs become `<node>__<ARG>`; a bound ARG's default is its resolved value. */
  private hoistGlobalArgs() {
    const { buildArgs } = this.input;
    for (const arg of this.dockerfile.getInitialARGs()) {
      for (const property of arg.getProperties()) {
        const name = property.getName();
        if (AUTOMATIC_PLATFORM_ARGS.has(name)) {
          this.platformArgs.push(name);
          continue;
        }
        if (this.perArch.has(name)) continue; // replaced by per-arch stage aliases
        const valueRange = property.getValueRange();
        let valueText: string | undefined;
        if (Object.prototype.hasOwnProperty.call(buildArgs, name)) valueText = argValueText(buildArgs[name], `ARG ${name} of ${this.node.id}`);
        else if (valueRange) valueText = this.globalDefaultText(arg, valueRange);
        const previous = this.hoisted.get(name);
        this.hoisted.set(name, { name: renamedArg(this.node.id, name), original: name, valueText: valueText ?? previous?.valueText });
        if (valueText !== undefined) this.globalDefaults.add(name);
        const literal = Object.prototype.hasOwnProperty.call(buildArgs, name) ? buildArgs[name] : property.getValue();
        if (literal !== null && !literal.includes('$')) this.resolvedValues.set(name, literal);
      }
    }
    for (const [name, value] of Object.entries(buildArgs)) {
      if (this.hoisted.has(name) || this.perArch.has(name)) continue; // declared globally: done above
      this.hoisted.set(name, { name: renamedArg(this.node.id, name), original: name, valueText: argValueText(value, `ARG ${name} of ${this.node.id}`) });
      this.globalDefaults.add(name);
      this.resolvedValues.set(name, value);
    }
  }

  /** A global default as written, with references to this file's earlier global ARGs renamed. */
  private globalDefaultText(arg: Arg, valueRange: TextRange): string {
    const start = this.offsets.offset(valueRange.start);
    const end = this.offsets.offset(valueRange.end);
    const edits = arg
      .getVariables()
      .filter((v) => this.hoisted.has(v.getName()))
      .map((v) => this.offsets.replace(v.getNameRange(), this.hoisted.get(v.getName())!.name))
      .filter((e) => e.start >= start && e.end <= end);
    return applyEdits(this.text, edits, start, end);
  }

  private rewriteInstruction(instruction: Instruction, stage: number, stages: string[]) {
    switch (instruction.getKeyword()) {
      case 'FROM':
        this.rewriteFrom(instruction as From, stage, stages);
        break;
      case 'ARG':
        this.rewriteStageArg(instruction as Arg);
        break;
      case 'COPY':
        this.rewriteCopy(instruction as Copy);
        break;
      case 'ADD':
        this.rewriteAdd(instruction as JSONInstruction);
        break;
      case 'RUN':
        this.rewriteRunMounts(instruction as Run);
        break;
      default:
        break;
    }
  }

  private rewriteFrom(from: From, stage: number, stages: string[]) {
    const imageRange = from.getImageRange();
    const image = from.getImage();
    const line = from.getRange().start.line + 1;
    if (!imageRange || !image) throw new UserError('FROM has no image', { file: this.file, line });
    const imageStart = this.offsets.offset(imageRange.start);
    const imageEnd = this.offsets.offset(imageRange.end);
    const upstream = this.upstreamStage(image);
    for (const variable of from.getVariables()) {
      const at = this.offsets.offset(variable.getNameRange().start);
      if (upstream && at >= imageStart && at <= imageEnd) continue; // the whole image is replaced below
      const name = variable.getName();
      if (Object.prototype.hasOwnProperty.call(this.node.uses, name)) {
        throw new UserError(
          `FROM "${image}" uses \${${name}}, which is bound under "uses", inside a longer expression`,
          { file: this.file, line },
          `render replaces a FROM whose image is exactly \${${name}} with the upstream stage; write "FROM \${${name}}"`,
        );
      }
      const hoisted = this.hoisted.get(name);
      if (hoisted && !AUTOMATIC_PLATFORM_ARGS.has(name)) this.edits.push(this.offsets.replace(variable.getNameRange(), hoisted.name));
    }
    const perArchName = exactVariable(image);
    const perArch = perArchName !== undefined ? this.perArch.get(perArchName) : undefined;
    if (upstream) {
      this.edits.push(this.offsets.replace(imageRange, upstream));
    } else if (perArch) {
      this.edits.push(this.offsets.replace(imageRange, `${this.perArchAlias(perArchName!, perArch)}-\${TARGETARCH}`));
      for (const { image: ref } of Object.values(perArch)) this.externalImages.push({ image: ref, line });
    } else if (!image.includes('$')) {
      const own = this.stageRefs.get(image.toLowerCase());
      if (own) this.edits.push(this.offsets.replace(imageRange, own));
      else this.externalImages.push({ image, line });
    } else if (this.namesOwnStage(from, imageRange)) {
      // `FROM layout-${LAYOUT}`: every earlier stage is `<node>--<name>`, so the prefix keeps the choice an ARG.
      this.edits.push(this.offsets.insert(imageRange.start, `${this.node.id}--`));
    } else {
      // A pinned base (`FROM ${BASE_IMAGE}`) is an image too, once resolved.
      const name = exactVariable(image);
      if (name !== undefined && Object.prototype.hasOwnProperty.call(this.input.buildArgs, name)) this.externalImages.push({ image: this.input.buildArgs[name], line });
    }
    const stageRange = from.getBuildStageRange();
    if (stageRange) this.edits.push(this.offsets.replace(stageRange, stages[stage]));
    else this.edits.push(this.offsets.insert(imageRange.end, ` AS ${stages[stage]}`));
    this.stageRefs.set(String(stage), stages[stage]);
    const ownName = from.getBuildStage();
    if (ownName) this.stageRefs.set(ownName.toLowerCase(), stages[stage]);
  }

  /**
   * Inside a stage a global ARG is only visible when redeclared. `ARG X` (or a bound `ARG X=default`) becomes
   * `ARG <node>__X` + `ARG X=${<node>__X}`: the value comes from the one global block, and `--build-arg <node>__X=…`
   * still overrides it for this node alone.
   */
  private rewriteStageArg(arg: Arg) {
    const lines: string[] = [];
    let changed = false;
    for (const property of arg.getProperties()) {
      const name = property.getName();
      const hoisted = this.hoisted.get(name);
      const bound = Object.prototype.hasOwnProperty.call(this.input.buildArgs, name);
      const hasDefault = property.getValueRange() !== null;
      if (hoisted && !AUTOMATIC_PLATFORM_ARGS.has(name) && (bound || (this.globalDefaults.has(name) && !hasDefault))) {
        lines.push(`ARG ${hoisted.name}`, `ARG ${name}=\${${hoisted.name}}`);
        changed = true;
      } else {
        lines.push(`ARG ${this.offsets.slice(property.getRange())}`);
      }
    }
    if (changed) this.edits.push(this.offsets.replace(arg.getRange(), lines.join('\n')));
  }

  private rewriteCopy(copy: Copy) {
    // Not Copy.getFromFlag(): dockerfile-ast 0.7 returns it only when --from is the sole flag.
    const from = copy.getFlags().find((f) => f.getName().toLowerCase() === 'from');
    if (from) {
      const range = from.getValueRange();
      if (range && from.getValue()) this.rewriteStageReference(from.getValue()!, range, copy);
      return;
    }
    this.rewriteContextSources(copy, 'COPY');
  }

  private rewriteAdd(add: JSONInstruction) {
    this.rewriteContextSources(add, 'ADD');
  }

  /** `--from=<stage>` of this file -> renamed; `--from=${USES_ARG}` -> upstream stage; image references stay. */
  private rewriteStageReference(value: string, range: TextRange, instruction: Instruction) {
    const variable = exactVariable(value);
    if (variable !== undefined && this.perArch.has(variable)) {
      throw new UserError(
        `\${${variable}} names a different image per platform, which one Dockerfile for several platforms can only choose in a FROM`,
        { file: this.file, line: instruction.getRange().start.line + 1 },
        `use "FROM \${${variable}} AS <stage>" and copy from that stage, or render one platform at a time`,
      );
    }
    const upstream = this.upstreamStage(value);
    if (upstream) {
      this.edits.push(this.offsets.replace(range, upstream));
      return;
    }
    const own = this.stageRefs.get(value.toLowerCase());
    if (own) this.edits.push(this.offsets.replace(range, own));
    else if (!value.includes('$')) this.externalImages.push({ image: value, line: instruction.getRange().start.line + 1 });
    else if (this.namesOwnStage(instruction, range)) this.edits.push(this.offsets.insert(range.start, `${this.node.id}--`));
  }

  /**
   * Whether an expression with variables (`layout-${LAYOUT}`) names a stage of this file once its variables take
   * their resolved values. Only plain `${X}`/`$X` references are evaluated; anything else is taken as an image.
   */
  private namesOwnStage(instruction: Instruction, range: TextRange): boolean {
    // Platform ARGs (`base-${TARGETARCH}`) must name a stage on every platform of the file.
    const platforms = this.input.platforms && this.input.platforms.length > 0 ? this.input.platforms : [undefined];
    return platforms.every((platform) => this.namesOwnStageOn(instruction, range, platform));
  }

  private namesOwnStageOn(instruction: Instruction, range: TextRange, platform: string | undefined): boolean {
    const start = this.offsets.offset(range.start);
    const end = this.offsets.offset(range.end);
    let value = '';
    let cursor = start;
    for (const variable of instruction.getVariables()) {
      const whole = variable.getRange();
      const from = this.offsets.offset(whole.start);
      const to = this.offsets.offset(whole.end);
      if (from < start || to > end) continue;
      const text = this.text.slice(from, to);
      const known = AUTOMATIC_PLATFORM_ARGS.has(variable.getName()) ? platformArgValue(variable.getName(), platform) : this.resolvedValues.get(variable.getName());
      if (exactVariable(text) !== variable.getName() || known === undefined) return false;
      value += this.text.slice(cursor, from) + known;
      cursor = to;
    }
    value += this.text.slice(cursor, end);
    const name = value.toLowerCase();
    return this.stageRefs.has(name) && !/^\d+$/.test(name);
  }

  /** Declares the per-arch alias stages of a base ARG once; returns their common name prefix. */
  private perArchAlias(name: string, images: Record<string, { platform: string; image: string }>): string {
    const prefix = `${this.node.id}--${name.toLowerCase()}`;
    if (!this.aliasStages.some((s) => s.startsWith(`${prefix}-`))) {
      for (const [arch, { platform, image }] of Object.entries(images)) {
        this.aliasLines.push(`FROM --platform=${platform} ${image} AS ${prefix}-${arch}`);
        this.aliasStages.push(`${prefix}-${arch}`);
      }
    }
    return prefix;
  }

  /** `${USES_ARG}` / `$USES_ARG` -> the upstream node id (its stage name). */
  private upstreamStage(expression: string): string | undefined {
    const name = exactVariable(expression);
    return name !== undefined && Object.prototype.hasOwnProperty.call(this.node.uses, name) ? this.node.uses[name] : undefined;
  }

  private rewriteContextSources(instruction: JSONInstruction, keyword: 'COPY' | 'ADD') {
    const local = sourcesOf(instruction, this.offsets).filter((s) => !HEREDOC.test(s.value) && !(keyword === 'ADD' && REMOTE_SOURCE.test(s.value)));
    if (local.length === 0) return;
    this.usesContext = true;
    if (this.input.mode === 'single-context') {
      for (const source of local) this.edits.push(this.offsets.replace(source.range, prefixedSource(this.node.id, source.value)));
      return;
    }
    if (keyword === 'ADD') {
      throw new UserError(
        `ADD ${local.map((s) => s.value).join(' ')} reads the build context, which a named build context cannot serve (ADD has no --from)`,
        { file: this.file, line: instruction.getRange().start.line + 1 },
        'use COPY for local files (ADD only adds auto-extraction of local tar archives), or render with --single-context DIR',
      );
    }
    this.edits.push(this.offsets.insert(instruction.getInstructionRange().end, ` --from=${contextName(this.node.id)}`));
  }

  /** `RUN --mount=…,from=<stage>` renamed; a bind mount of the context reads the fragment's context. */
  private rewriteRunMounts(run: Run) {
    for (const flag of run.getFlags()) {
      if (flag.getName().toLowerCase() !== 'mount') continue;
      const option = (name: string) => flag.getOptions().find((o) => o.getName().toLowerCase() === name);
      const type = (option('type')?.getValue() ?? 'bind').toLowerCase();
      const from = option('from');
      const fromRange = from?.getValueRange();
      if (from && fromRange && from.getValue()) {
        this.rewriteStageReference(from.getValue()!, fromRange, run);
        continue;
      }
      if (type !== 'bind') continue;
      const valueRange = flag.getValueRange();
      if (!valueRange) continue;
      this.usesContext = true;
      if (this.input.mode === 'named-contexts') {
        this.edits.push(this.offsets.insert(valueRange.end, `,from=${contextName(this.node.id)}`));
        continue;
      }
      const source = option('source') ?? option('src');
      const sourceRange = source?.getValueRange();
      if (source && sourceRange) this.edits.push(this.offsets.replace(sourceRange, prefixedSource(this.node.id, source.getValue() ?? '')));
      else this.edits.push(this.offsets.insert(valueRange.end, `,source=${contextPrefix(this.node.id)}`));
    }
  }
}
