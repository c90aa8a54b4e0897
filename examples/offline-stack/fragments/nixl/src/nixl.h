/* nixl.h — a tiny stand-in for NVIDIA NIXL (the inference transfer library):
 * agents register memory regions and move bytes between them. Here a transfer
 * is a bounds-checked memcpy; the API shape is what matters to its users. */
#ifndef NIXL_H
#define NIXL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nixl_agent nixl_agent;

/* The version this library was built as (the nixl pin). */
const char *nixl_version(void);

nixl_agent *nixl_agent_create(const char *name);
void nixl_agent_destroy(nixl_agent *agent);
const char *nixl_agent_name(const nixl_agent *agent);

/* Registers [buf, buf+len); returns a descriptor >= 0, or -1 when full or invalid. */
int nixl_register(nixl_agent *agent, void *buf, size_t len);

/* Copies len bytes from src's region src_desc to dst's region dst_desc.
 * Returns the number of bytes moved, or -1 on a bad descriptor or length. */
long nixl_transfer(nixl_agent *src, int src_desc, nixl_agent *dst, int dst_desc, size_t len);

#ifdef __cplusplus
}
#endif

#endif
