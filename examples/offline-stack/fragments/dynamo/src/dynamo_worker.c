/* dynamo-worker: serves a backend engine (stand-in for Dynamo's Python worker,
 * which imports vllm / sglang / tensorrt_llm). The engine is loaded at run time
 * from the backend's build ($DYNAMO_ENGINE_LIB, default
 * /opt/backend/lib/libdynamo_engine_$DYNAMO_BACKEND.so), so the backend is built without Dynamo
 * and Dynamo without the backend: they meet in the runtime image.
 *   --version   "<backend> <version>"
 *   --info      backend, feature, dynamo and nixl versions
 *   --selftest  prefill a prompt, move the KV cache prefill -> decode through NIXL
 */
#include "nixl_loader.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef DYNAMO_VERSION
#error "build with -DDYNAMO_VERSION=\"\\\"x.y.z\\\"\""
#endif

struct engine {
  const char *(*name)(void);
  const char *(*version)(void);
  const char *(*feature)(void);
  size_t (*prefill)(const char *prompt, unsigned char *kv, size_t cap);
};

static int load_engine(struct engine *e) {
  const char *path = getenv("DYNAMO_ENGINE_LIB");
  char fallback[512];
  if (!path || !*path) {
    const char *backend = getenv("DYNAMO_BACKEND");
    if (!backend || !*backend) {
      fprintf(stderr, "dynamo-worker: set DYNAMO_BACKEND (or DYNAMO_ENGINE_LIB)\n");
      return -1;
    }
    snprintf(fallback, sizeof fallback, "/opt/backend/lib/libdynamo_engine_%s.so", backend);
    path = fallback;
  }
  void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    fprintf(stderr, "dynamo-worker: no backend engine: %s\n", dlerror());
    return -1;
  }
  e->name = (const char *(*)(void))dlsym(lib, "engine_name");
  e->version = (const char *(*)(void))dlsym(lib, "engine_version");
  e->feature = (const char *(*)(void))dlsym(lib, "engine_feature");
  e->prefill = (size_t (*)(const char *, unsigned char *, size_t))dlsym(lib, "engine_prefill");
  if (!e->name || !e->version || !e->feature || !e->prefill) {
    fprintf(stderr, "dynamo-worker: %s is not a backend engine\n", path);
    return -1;
  }
  return 0;
}

static int selftest(const struct engine *e, const struct nixl_api *nixl) {
  static unsigned char prefill_kv[4096], decode_kv[4096];
  size_t len = e->prefill("The quick brown fox jumps over the lazy dog", prefill_kv, sizeof prefill_kv);
  nixl_agent *prefill = nixl->agent_create("prefill");
  nixl_agent *decode = nixl->agent_create("decode");
  long moved = nixl->transfer(prefill, nixl->reg(prefill, prefill_kv, sizeof prefill_kv), decode,
                              nixl->reg(decode, decode_kv, sizeof decode_kv), len);
  int ok = len > 0 && moved == (long)len && memcmp(prefill_kv, decode_kv, len) == 0;
  printf("selftest: %s (%s prefill produced %zu KV bytes, nixl %s moved %ld to decode)\n", ok ? "ok" : "FAILED", e->name(),
         len, nixl->version(), moved);
  nixl->agent_destroy(prefill);
  nixl->agent_destroy(decode);
  return ok ? 0 : 1;
}

int main(int argc, char **argv) {
  const char *cmd = argc > 1 ? argv[1] : "--info";
  struct engine e;
  struct nixl_api nixl;
  char err[600];
  if (load_engine(&e) != 0) return 1;
  if (nixl_load(&nixl, err, sizeof err) != 0) {
    fprintf(stderr, "dynamo-worker: %s\n", err);
    return 1;
  }
  if (strcmp(cmd, "--version") == 0) {
    printf("%s %s\n", e.name(), e.version());
    return 0;
  }
  if (strcmp(cmd, "--info") == 0) {
    printf("backend: %s %s (%s)\ndynamo: %s\nnixl: %s\n", e.name(), e.version(), e.feature(), DYNAMO_VERSION, nixl.version());
    return 0;
  }
  if (strcmp(cmd, "--selftest") == 0) return selftest(&e, &nixl);
  fprintf(stderr, "usage: %s [--version|--info|--selftest]\n", argv[0]);
  return 2;
}
