/* dynamo_backend.h — the Dynamo backend SDK (stand-in). A backend is one C file
 * that defines `dynamo_engine`; libdynamo_backend.a supplies main(), which
 * serves the engine and moves its KV cache with NIXL. Build a worker with
 *   make -f /opt/dynamo/share/dynamo/backend.mk BACKEND=<name> BACKEND_VERSION=<x.y.z> install
 */
#ifndef DYNAMO_BACKEND_H
#define DYNAMO_BACKEND_H

#include <stddef.h>

struct dynamo_engine {
  const char *name;     /* e.g. "vllm" */
  const char *version;  /* the backend's pinned version */
  const char *feature;  /* one line about what makes it this backend */
  /* Writes the KV cache of `prompt` into kv[0..cap); returns the bytes written. */
  size_t (*prefill)(const char *prompt, unsigned char *kv, size_t cap);
};

/* Defined by the backend. */
extern const struct dynamo_engine dynamo_engine;

/* The Dynamo version the SDK was built as. */
const char *dynamo_version(void);

#endif
