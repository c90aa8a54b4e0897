/* libnixl: see nixl.h. Built with -DNIXL_VERSION="\"x.y.z\"" from the nixl pin. */
#include "nixl.h"

#include <stdlib.h>
#include <string.h>

#ifndef NIXL_VERSION
#error "build with -DNIXL_VERSION=\"\\\"x.y.z\\\"\""
#endif

#define NIXL_MAX_REGIONS 16

struct region {
  unsigned char *base;
  size_t len;
};

struct nixl_agent {
  char name[64];
  struct region regions[NIXL_MAX_REGIONS];
  int count;
};

const char *nixl_version(void) { return NIXL_VERSION; }

nixl_agent *nixl_agent_create(const char *name) {
  nixl_agent *agent = calloc(1, sizeof *agent);
  if (agent && name) strncpy(agent->name, name, sizeof agent->name - 1);
  return agent;
}

void nixl_agent_destroy(nixl_agent *agent) { free(agent); }

const char *nixl_agent_name(const nixl_agent *agent) { return agent ? agent->name : ""; }

int nixl_register(nixl_agent *agent, void *buf, size_t len) {
  if (!agent || !buf || agent->count >= NIXL_MAX_REGIONS) return -1;
  agent->regions[agent->count].base = buf;
  agent->regions[agent->count].len = len;
  return agent->count++;
}

static const struct region *region_of(const nixl_agent *agent, int desc) {
  if (!agent || desc < 0 || desc >= agent->count) return NULL;
  return &agent->regions[desc];
}

long nixl_transfer(nixl_agent *src, int src_desc, nixl_agent *dst, int dst_desc, size_t len) {
  const struct region *from = region_of(src, src_desc);
  const struct region *to = region_of(dst, dst_desc);
  if (!from || !to || len > from->len || len > to->len) return -1;
  memmove(to->base, from->base, len);
  return (long)len;
}
