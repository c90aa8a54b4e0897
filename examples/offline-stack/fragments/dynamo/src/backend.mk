# backend.mk — builds and installs a Dynamo backend worker (installed by the
# dynamo image as /opt/dynamo/share/dynamo/backend.mk, so every backend fragment
# shares one recipe instead of copying it).
#
#   make -f /opt/dynamo/share/dynamo/backend.mk BACKEND=vllm BACKEND_VERSION=0.11.0 install
#
# ENGINE_SRC (default engine.c) defines `dynamo_engine` (see dynamo_backend.h).
# Installs $(PREFIX)/bin/dynamo-$(BACKEND)-worker, linked against libnixl with an
# rpath, and $(PREFIX)/VERSION; the worker's selftest must pass.
NIXL_PREFIX ?= /opt/nvidia/nvda_nixl
DYNAMO_PREFIX ?= /opt/dynamo
PREFIX ?= /opt/backend
ENGINE_SRC ?= engine.c
CFLAGS ?= -O2 -Wall -Wextra -Werror

ifeq ($(BACKEND),)
$(error set BACKEND, e.g. BACKEND=vllm)
endif
ifeq ($(BACKEND_VERSION),)
$(error set BACKEND_VERSION)
endif

WORKER := dynamo-$(BACKEND)-worker

.PHONY: install
install: $(WORKER)
	./$(WORKER) --selftest
	install -D -m 0755 $(WORKER) $(PREFIX)/bin/$(WORKER)
	printf '%s %s\n' '$(BACKEND)' '$(BACKEND_VERSION)' > $(PREFIX)/VERSION

$(WORKER): $(ENGINE_SRC)
	$(CC) $(CFLAGS) -DBACKEND_VERSION='"$(BACKEND_VERSION)"' -I$(DYNAMO_PREFIX)/include -I$(NIXL_PREFIX)/include \
	  $< -L$(DYNAMO_PREFIX)/lib -ldynamo_backend -L$(NIXL_PREFIX)/lib -lnixl -Wl,-rpath,$(NIXL_PREFIX)/lib -o $@
