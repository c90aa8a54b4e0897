/* TensorRT-LLM stand-in: in-flight batching packs each token with its batch slot. */
#include <dynamo_backend.h>

static size_t prefill(const char *prompt, unsigned char *kv, size_t cap) {
  size_t n = 0;
  for (unsigned slot = 0; *prompt && n + 1 < cap; prompt++, slot = (slot + 1) % 8) {
    kv[n++] = (unsigned char)slot;
    kv[n++] = (unsigned char)*prompt;
  }
  return n;
}

const struct dynamo_engine dynamo_engine = {"trtllm", BACKEND_VERSION, "in-flight batching, 8 slots", prefill};
