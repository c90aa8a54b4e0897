/* SGLang stand-in: a radix cache, so a repeated prefix is stored once. */
#include <dynamo_backend.h>
#include <string.h>

static size_t prefill(const char *prompt, unsigned char *kv, size_t cap) {
  static const char cached_prefix[] = "The quick ";
  size_t skip = strncmp(prompt, cached_prefix, sizeof cached_prefix - 1) == 0 ? sizeof cached_prefix - 1 : 0;
  size_t n = 0;
  for (const char *p = prompt + skip; *p && n < cap; p++) kv[n++] = (unsigned char)*p;
  return n;
}

const struct dynamo_engine dynamo_engine = {"sglang", BACKEND_VERSION, "radix attention, shared prefixes stored once", prefill};
