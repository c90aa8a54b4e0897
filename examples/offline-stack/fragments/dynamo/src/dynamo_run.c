/* dynamo-run: the runtime's front door (stand-in). NIXL is loaded at run time
 * (nixl_loader.c), so the frontend image runs it without NIXL.
 *   dynamo-run --version   "dynamo <v> (nixl <v>)", the nixl version read from the loaded library
 *   dynamo-run --check     one NIXL transfer between two agents
 */
#include "nixl_loader.h"

#include <stdio.h>
#include <string.h>

#ifndef DYNAMO_VERSION
#error "build with -DDYNAMO_VERSION=\"\\\"x.y.z\\\"\""
#endif

int main(int argc, char **argv) {
  const char *cmd = argc > 1 ? argv[1] : "--version";
  struct nixl_api nixl;
  char err[600];
  int have_nixl = nixl_load(&nixl, err, sizeof err) == 0;
  if (strcmp(cmd, "--version") == 0) {
    printf("dynamo %s (nixl %s)\n", DYNAMO_VERSION, have_nixl ? nixl.version() : "not installed");
    return 0;
  }
  if (strcmp(cmd, "--check") == 0) {
    if (!have_nixl) {
      fprintf(stderr, "dynamo-run check: %s\n", err);
      return 1;
    }
    char src[64] = "dynamo-run check", dst[64] = "";
    nixl_agent *a = nixl.agent_create("frontend"), *b = nixl.agent_create("worker");
    long moved = nixl.transfer(a, nixl.reg(a, src, sizeof src), b, nixl.reg(b, dst, sizeof dst), sizeof src);
    int ok = moved == (long)sizeof src && strcmp(src, dst) == 0;
    printf("dynamo-run check: %s\n", ok ? "ok" : "FAILED");
    nixl.agent_destroy(a);
    nixl.agent_destroy(b);
    return ok ? 0 : 1;
  }
  fprintf(stderr, "usage: %s [--version|--check]\n", argv[0]);
  return 2;
}
