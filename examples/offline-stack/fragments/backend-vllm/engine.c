/* vLLM stand-in: the KV cache is a list of fixed 16-token pages. */
#include <dynamo_backend.h>

#define PAGE 16

static size_t prefill(const char *prompt, unsigned char *kv, size_t cap) {
  size_t n = 0;
  for (; prompt[n] && n < cap; n++) kv[n] = (unsigned char)(prompt[n] ^ (n / PAGE));
  while (n % PAGE && n < cap) kv[n++] = 0; /* pad the last page */
  return n;
}

const struct dynamo_engine dynamo_engine = {"vllm", BACKEND_VERSION, "paged attention, 16-token KV pages", prefill};
