/* dynamo-run: the runtime's front door (stand-in). Links libnixl dynamically
 * (rpath /opt/nvidia/nvda_nixl/lib), so it only runs where NIXL is installed.
 *   dynamo-run --version   "dynamo <v> (nixl <v>)", the nixl version read from the loaded library
 *   dynamo-run --check     one NIXL transfer between two agents
 */
#include <nixl.h>
#include <stdio.h>
#include <string.h>

#ifndef DYNAMO_VERSION
#error "build with -DDYNAMO_VERSION=\"\\\"x.y.z\\\"\""
#endif

int main(int argc, char **argv) {
  const char *cmd = argc > 1 ? argv[1] : "--version";
  if (strcmp(cmd, "--version") == 0) {
    printf("dynamo %s (nixl %s)\n", DYNAMO_VERSION, nixl_version());
    return 0;
  }
  if (strcmp(cmd, "--check") == 0) {
    char src[64] = "dynamo-run check", dst[64] = "";
    nixl_agent *a = nixl_agent_create("frontend"), *b = nixl_agent_create("worker");
    long moved = nixl_transfer(a, nixl_register(a, src, sizeof src), b, nixl_register(b, dst, sizeof dst), sizeof src);
    int ok = moved == (long)sizeof src && strcmp(src, dst) == 0;
    printf("dynamo-run check: %s\n", ok ? "ok" : "FAILED");
    nixl_agent_destroy(a);
    nixl_agent_destroy(b);
    return ok ? 0 : 1;
  }
  fprintf(stderr, "usage: %s [--version|--check]\n", argv[0]);
  return 2;
}
