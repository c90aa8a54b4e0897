import { writeFileSync, mkdirSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../errors/user-error';
import { collectList, envPlatforms, graphFromOptions } from '../global-options';
import { classifySystemError } from '../../errors/system-error';

interface RenderOptions {
  platform?: string[];
  output?: string;
  singleContext?: string;
}

export function registerRenderCommand(program: Command) {
  program
    .command('render')
    .description('write one self-contained multi-stage Dockerfile for a node and everything it uses, buildable without the orchestrator')
    .argument('<node>', 'node id (e.g. runtime.vllm), or a fragment without variants')
    .option('--platform <list>', "platforms, comma-separated: ONE file that `docker buildx build --platform <list>` builds (default: $FRAGMENTS_PLATFORM, else this machine's)", collectList)
    .option('-o, --output <file>', 'write the Dockerfile to FILE (default: stdout)')
    .option('--single-context <dir>', 'write DIR/Dockerfile and one combined context (each fragment under DIR/.fragments/<node>/) that plain BuildKit builds, no named contexts needed')
    .action(async (name: string, opts: RenderOptions, command: Command) => {
      const [{ hostPlatform }, { renderNode }, { writeSingleContext }, { displayPath }] = await Promise.all([
        import('../../plan/host-platform'),
        import('../../render/render-node'),
        import('../../render/single-context'),
        import('../../workspace/paths'),
      ]);
      const graph = await graphFromOptions(command);
      const platform = opts.platform ?? envPlatforms() ?? [hostPlatform()];
      // Paths in the build command are relative to the workspace root, where the command is meant to run.
      const fromRoot = (p: string) => displayPath(graph.root, resolve(p)) || '.';
      if (opts.singleContext) {
        if (opts.output) throw new UserError('--single-context writes DIR/Dockerfile; do not combine it with -o', { field: '-o' });
        const result = renderNode(graph, name, platform, { mode: 'single-context', contextPath: fromRoot(opts.singleContext) });
        const written = await writeSingleContext(result, resolve(opts.singleContext));
        report(result.warnings);
        process.stderr.write(`wrote ${written.dockerfile} and ${written.files} context files; build with (from ${graph.root}):\n  ${result.buildCommand}\n`);
        return;
      }
      const result = renderNode(graph, name, platform, { mode: 'named-contexts', dockerfilePath: opts.output ? fromRoot(opts.output) : '-' });
      report(result.warnings);
      if (opts.output) {
        try {
          mkdirSync(dirname(resolve(opts.output)), { recursive: true });
          writeFileSync(resolve(opts.output), result.dockerfile);
        } catch (e) {
          throw classifySystemError(e, { doing: 'writing the rendered Dockerfile', where: resolve(opts.output) });
        }
        process.stderr.write(`wrote ${opts.output}; build with (from ${graph.root}):\n  ${result.buildCommand}\n`);
      } else {
        process.stdout.write(result.dockerfile);
      }
    });
}

function report(warnings: string[]) {
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
}
