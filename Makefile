# SPDX-License-Identifier: GPL-2.0
#
# Top-level Makefile for smb3mc. The module itself is built by Kbuild
# (src/Kbuild); this file only drives the builds and the test scripts.

VERSION := $(shell cat $(CURDIR)/VERSION)
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
BUILD := $(CURDIR)/build/$(KVER)

# The two Debian 12 kernels the project targets (see README).
KVERS_ALL ?= $(shell tests/lib/kernels.sh)

.PHONY: all module modules-all clean install uninstall kunit check check-debug check-ksmbd vmtest demo bench sparse checkpatch
.PHONY: helper helper-check dist deb rpm pkg-check

all: module

# Each kernel gets its own object directory so builds for several kernels
# never share stale objects; the sources are linked, not copied.
module:
	@mkdir -p $(BUILD)
	@ln -sfn $(CURDIR)/src/Kbuild $(BUILD)/Kbuild
	@for f in $(CURDIR)/src/*.c $(CURDIR)/src/*.h $(CURDIR)/src/pure.mk; do ln -sfn $$f $(BUILD)/; done
	$(MAKE) -C $(KDIR) M=$(BUILD) SMB3MC_VERSION=$(VERSION) W=1 modules

modules-all:
	@set -e; for k in $(KVERS_ALL); do $(MAKE) module KVER=$$k; done

sparse:
	@set -e; for k in $(KVERS_ALL); do $(MAKE) module KVER=$$k C=2 CF="-D__CHECK_ENDIAN__"; done

checkpatch:
	tests/lib/checkpatch.sh

kunit:
	kunit/run

vmtest:
	tests/run

check:
	tests/check

# The VM tests against ksmbd instead of Samba; not part of check.
check-ksmbd:
	tests/check-ksmbd

# KUnit and the VM tests on a kernel with KASAN, UBSAN, lockdep and kmemleak.
check-debug:
	tests/debug/run

demo:
	tests/demo/run

bench:
	tests/bench/run

install:
	tests/lib/dkms.sh install $(VERSION)

uninstall:
	tests/lib/dkms.sh uninstall $(VERSION)

# The mount helper, its unit tests, the release tarball and the
# distribution packages.
helper:
	$(MAKE) -C mount

helper-check:
	$(MAKE) -C mount check

dist:
	tests/pkg/dist.sh

deb:
	tests/pkg/deb.sh

rpm:
	tests/pkg/rpm.sh

pkg-check:
	tests/pkg/run

clean:
	rm -rf $(CURDIR)/build
