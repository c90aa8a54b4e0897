/* nixl_loader.h — how Dynamo's runtime reaches NIXL (stand-in for the nixl-sys
 * crate, which dlopens libnixl at run time). Dynamo carries its own copy of the
 * NIXL API's shape, so its runtime "wheel" is built without NIXL being present:
 * it cannot bundle libnixl, and a NIXL change never rebuilds it. */
#ifndef NIXL_LOADER_H
#define NIXL_LOADER_H

#include <stddef.h>

typedef struct nixl_agent nixl_agent;

struct nixl_api {
  const char *(*version)(void);
  nixl_agent *(*agent_create)(const char *name);
  void (*agent_destroy)(nixl_agent *agent);
  int (*reg)(nixl_agent *agent, void *buf, size_t len);
  long (*transfer)(nixl_agent *src, int src_desc, nixl_agent *dst, int dst_desc, size_t len);
};

/* Loads $NIXL_PREFIX/lib/libnixl.so.0 (default /opt/nvidia/nvda_nixl). Returns 0, or -1 with a message in err. */
int nixl_load(struct nixl_api *api, char *err, size_t errlen);

#endif
