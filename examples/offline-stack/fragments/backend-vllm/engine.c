/* vLLM stand-in: the KV cache is a list of fixed 16-token pages. */
#include <stddef.h>

#define PAGE 16

static size_t prefill(const char *prompt, unsigned char *kv, size_t cap) {
  size_t n = 0;
  for (; prompt[n] && n < cap; n++) kv[n] = (unsigned char)(prompt[n] ^ (n / PAGE));
  while (n % PAGE && n < cap) kv[n++] = 0; /* pad the last page */
  return n;
}

/* The engine interface Dynamo's worker loads (dlsym) from /opt/backend/lib/libdynamo_engine_vllm.so. */
const char *engine_name(void) { return "vllm"; }
const char *engine_version(void) { return BACKEND_VERSION; }
const char *engine_feature(void) { return "paged attention, 16-token KV pages"; }
size_t engine_prefill(const char *prompt, unsigned char *kv, size_t cap) { return prefill(prompt, kv, cap); }
