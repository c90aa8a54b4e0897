/* main() of every backend worker (libdynamo_backend.a).
 *   --version   "<backend> <version>"
 *   --info      backend, feature, dynamo and nixl versions
 *   --selftest  prefill a prompt, move the KV cache prefill -> decode through NIXL
 */
#include "dynamo_backend.h"

#include <nixl.h>
#include <stdio.h>
#include <string.h>

#ifndef DYNAMO_VERSION
#error "build with -DDYNAMO_VERSION=\"\\\"x.y.z\\\"\""
#endif

const char *dynamo_version(void) { return DYNAMO_VERSION; }

static int selftest(void) {
  static unsigned char prefill_kv[4096], decode_kv[4096];
  const struct dynamo_engine *e = &dynamo_engine;
  size_t len = e->prefill("The quick brown fox jumps over the lazy dog", prefill_kv, sizeof prefill_kv);
  nixl_agent *prefill = nixl_agent_create("prefill");
  nixl_agent *decode = nixl_agent_create("decode");
  long moved = nixl_transfer(prefill, nixl_register(prefill, prefill_kv, sizeof prefill_kv), decode,
                             nixl_register(decode, decode_kv, sizeof decode_kv), len);
  int ok = len > 0 && moved == (long)len && memcmp(prefill_kv, decode_kv, len) == 0;
  printf("selftest: %s (%s prefill produced %zu KV bytes, nixl %s moved %ld to decode)\n", ok ? "ok" : "FAILED", e->name,
         len, nixl_version(), moved);
  nixl_agent_destroy(prefill);
  nixl_agent_destroy(decode);
  return ok ? 0 : 1;
}

int main(int argc, char **argv) {
  const struct dynamo_engine *e = &dynamo_engine;
  const char *cmd = argc > 1 ? argv[1] : "--info";
  if (strcmp(cmd, "--version") == 0) {
    printf("%s %s\n", e->name, e->version);
    return 0;
  }
  if (strcmp(cmd, "--info") == 0) {
    printf("backend: %s %s (%s)\ndynamo: %s\nnixl: %s\n", e->name, e->version, e->feature, dynamo_version(), nixl_version());
    return 0;
  }
  if (strcmp(cmd, "--selftest") == 0) return selftest();
  fprintf(stderr, "usage: %s [--version|--info|--selftest]\n", argv[0]);
  return 2;
}
