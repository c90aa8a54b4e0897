/* SGLang stand-in: a radix cache, so a repeated prefix is stored once. */
#include <stddef.h>
#include <string.h>

static size_t prefill(const char *prompt, unsigned char *kv, size_t cap) {
  static const char cached_prefix[] = "The quick ";
  size_t skip = strncmp(prompt, cached_prefix, sizeof cached_prefix - 1) == 0 ? sizeof cached_prefix - 1 : 0;
  size_t n = 0;
  for (const char *p = prompt + skip; *p && n < cap; p++) kv[n++] = (unsigned char)*p;
  return n;
}

/* The engine interface Dynamo's worker loads (dlsym) from /opt/backend/lib/libdynamo_engine_sglang.so. */
const char *engine_name(void) { return "sglang"; }
const char *engine_version(void) { return BACKEND_VERSION; }
const char *engine_feature(void) { return "radix attention, shared prefixes stored once"; }
size_t engine_prefill(const char *prompt, unsigned char *kv, size_t cap) { return prefill(prompt, kv, cap); }
