/* TensorRT-LLM stand-in: in-flight batching packs each token with its batch slot. */
#include <stddef.h>

static size_t prefill(const char *prompt, unsigned char *kv, size_t cap) {
  size_t n = 0;
  for (unsigned slot = 0; *prompt && n + 1 < cap; prompt++, slot = (slot + 1) % 8) {
    kv[n++] = (unsigned char)slot;
    kv[n++] = (unsigned char)*prompt;
  }
  return n;
}

/* The engine interface Dynamo's worker loads (dlsym) from /opt/backend/lib/libdynamo_engine_trtllm.so. */
const char *engine_name(void) { return "trtllm"; }
const char *engine_version(void) { return BACKEND_VERSION; }
const char *engine_feature(void) { return "in-flight batching, 8 slots"; }
size_t engine_prefill(const char *prompt, unsigned char *kv, size_t cap) { return prefill(prompt, kv, cap); }
