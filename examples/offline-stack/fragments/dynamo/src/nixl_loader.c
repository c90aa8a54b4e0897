/* Loads NIXL at run time; see nixl_loader.h. */
#include "nixl_loader.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

int nixl_load(struct nixl_api *api, char *err, size_t errlen) {
  const char *prefix = getenv("NIXL_PREFIX");
  char path[512];
  snprintf(path, sizeof path, "%s/lib/libnixl.so.0", prefix && *prefix ? prefix : "/opt/nvidia/nvda_nixl");
  void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    snprintf(err, errlen, "NIXL is not installed (%s)", dlerror());
    return -1;
  }
  api->version = (const char *(*)(void))dlsym(lib, "nixl_version");
  api->agent_create = (nixl_agent * (*)(const char *)) dlsym(lib, "nixl_agent_create");
  api->agent_destroy = (void (*)(nixl_agent *))dlsym(lib, "nixl_agent_destroy");
  api->reg = (int (*)(nixl_agent *, void *, size_t))dlsym(lib, "nixl_register");
  api->transfer = (long (*)(nixl_agent *, int, nixl_agent *, int, size_t))dlsym(lib, "nixl_transfer");
  if (!api->version || !api->agent_create || !api->agent_destroy || !api->reg || !api->transfer) {
    snprintf(err, errlen, "%s misses a NIXL symbol", path);
    return -1;
  }
  return 0;
}
