/* Run once at build time against the freshly built libnixl.so: a library that
 * cannot move bytes never reaches an image. */
#include "nixl.h"

#include <stdio.h>
#include <string.h>

int main(void) {
  char a[256], b[256];
  for (int i = 0; i < (int)sizeof a; i++) a[i] = (char)i;
  memset(b, 0, sizeof b);
  nixl_agent *prefill = nixl_agent_create("prefill");
  nixl_agent *decode = nixl_agent_create("decode");
  int da = nixl_register(prefill, a, sizeof a);
  int db = nixl_register(decode, b, sizeof b);
  long moved = nixl_transfer(prefill, da, decode, db, sizeof a);
  int ok = moved == (long)sizeof a && memcmp(a, b, sizeof a) == 0 &&
           nixl_transfer(prefill, da, decode, db + 1, 1) == -1 &&
           nixl_transfer(prefill, da, decode, db, sizeof a + 1) == -1;
  printf("nixl %s selftest: %s (%ld bytes %s -> %s)\n", nixl_version(), ok ? "ok" : "FAILED", moved,
         nixl_agent_name(prefill), nixl_agent_name(decode));
  nixl_agent_destroy(prefill);
  nixl_agent_destroy(decode);
  return ok ? 0 : 1;
}
