# kvm32 — top-level build. `make help` lists the targets.
#
# Everything generated goes under build/. The kernel module is built by the
# kernel's Kbuild from a mirror of the sources in build/module, so the source
# tree stays clean; on a real board:  make module KDIR=/lib/modules/$(uname -r)/build

# KVM32_BUILD (or B=) puts everything generated elsewhere: a second tree can build
# and boot its own board while this one is busy (link its deps to build/deps).
B        ?= $(or $(KVM32_BUILD),build)
DEPS     := $(B)/deps
DEPS_OK  := $(DEPS)/.complete
ROOT     := $(CURDIR)

# Cross-compile from x86; build natively on an ARM board.
ifeq ($(filter arm%,$(shell uname -m)),)
CROSS_COMPILE ?= arm-linux-gnueabihf-
endif
ARM_CC   := $(CROSS_COMPILE)gcc
ARM_AR   := $(CROSS_COMPILE)ar
HOST_CC  ?= gcc

# KDIR empty means the Debian headers that `make deps` unpacks.
KDIR     ?=
ifeq ($(KDIR),)
KDIR_DEP := $(DEPS_OK)
KDIR_USE  = $(abspath $(DEPS))/kdir
else
KDIR_DEP :=
KDIR_USE  = $(KDIR)
endif

USER_WARN   := -Wall -Wextra -Werror
# User space sees the generic <linux/kvm.h> of the kernel headers and our <asm/kvm.h>.
KVM_H       := $(B)/include/linux/kvm.h
USER_INC    := -I$(B)/include -Iuapi
USER_CFLAGS := -std=gnu11 -O2 -g $(USER_WARN)
KSELFTEST   := $(DEPS)/kselftest

.PHONY: all deps module vmm selftests unit board checkpatch check run bench clean help
all: module vmm selftests unit

help:
	@echo "make deps       install/fetch everything (automatic when missing)"
	@echo "make            build kvm32.ko, vmm, libvmm.a, selftests, unit tests"
	@echo "make run        boot the QEMU board, load kvm32, run the default guest under vmm"
	@echo "make check      run every test; ends with 'N passed, N failed, N skipped'"
	@echo "make bench      instructions per trap, measured under -icount (build/bench.json)"
	@echo "make examples   the libvmm example launcher and its bare-metal payloads"
	@echo "make module KDIR=/lib/modules/\$$(uname -r)/build   build the module on a board"

deps:
	@scripts/deps.sh

$(DEPS_OK):
	@scripts/deps.sh

# --- kernel module ---------------------------------------------------------------------
MODULE_SRCS := Kbuild $(wildcard hyp/*.[chS] kmod/*.[chS] uapi/*/*.h)

module: $(B)/kvm32.ko
$(B)/kvm32.ko: $(KDIR_DEP) $(MODULE_SRCS)
	@mkdir -p $(B)/module
	@# A tree of symlinks: Kbuild writes its objects there, not next to the sources.
	@find $(B)/module -type l -delete
	@for f in $(MODULE_SRCS); do mkdir -p $(B)/module/$$(dirname $$f); ln -s $(ROOT)/$$f $(B)/module/$$f; done
	$(MAKE) -C $(KDIR_USE) M=$(abspath $(B))/module ARCH=arm CROSS_COMPILE=$(CROSS_COMPILE) modules
	@cp $(B)/module/kvm32.ko $@

$(KVM_H): $(KDIR_DEP) scripts/install-kvm-header
	scripts/install-kvm-header $(KDIR_USE) $@

# --- user space: vmm and libvmm ------------------------------------------------------------
LIBVMM_SRCS := $(wildcard vmm/lib/*.c vmm/lib/devices/*.c)
LIBVMM_OBJS := $(patsubst vmm/%.c,$(B)/vmm-obj/%.o,$(LIBVMM_SRCS))
VMM_CFLAGS  := $(USER_CFLAGS) -pthread -Ivmm/include -Ivmm/lib -I$(DEPS)/libfdt/usr/include $(USER_INC)
VMM_LDLIBS  := -L$(DEPS)/libfdt/usr/lib/arm-linux-gnueabihf -lfdt -pthread

vmm: $(B)/vmm $(B)/libvmm.a
$(B)/vmm-obj/%.o: vmm/%.c $(wildcard vmm/include/*.h vmm/lib/*.h vmm/lib/devices/*.h uapi/asm/*.h) $(KVM_H)
	@mkdir -p $(dir $@)
	$(ARM_CC) $(VMM_CFLAGS) -c -o $@ $<
$(B)/libvmm.a: $(LIBVMM_OBJS)
	@rm -f $@
	$(ARM_AR) rcs $@ $^
$(B)/vmm: $(B)/vmm-obj/main.o $(B)/libvmm.a
	$(ARM_CC) -static -o $@ $^ $(VMM_LDLIBS)

# --- board selftests (static armhf) --------------------------------------------------------
SELFTEST_LIB  := $(wildcard selftests/lib/*.c)
SELFTEST_SRCS := $(wildcard selftests/board/*_test.c)
SELFTESTS     := $(patsubst selftests/board/%.c,$(B)/selftests/%,$(SELFTEST_SRCS))
# Guest code in the tests runs with its MMU off: no unaligned accesses.
SELFTEST_CFLAGS := $(USER_CFLAGS) -static -mno-unaligned-access -Iselftests/lib -isystem $(KSELFTEST) $(USER_INC)

selftests: $(SELFTESTS) $(B)/selftests/run $(B)/selftests/suites
$(B)/selftests/%: selftests/board/%.c $(SELFTEST_LIB) $(wildcard selftests/lib/*.h uapi/asm/*.h) $(KVM_H)
	@mkdir -p $(dir $@)
	$(ARM_CC) $(SELFTEST_CFLAGS) -o $@ $< $(SELFTEST_LIB)
# libvmm_test drives libvmm through its public header, as a launcher does.
$(B)/selftests/libvmm_test: selftests/board/libvmm_test.c vmm/include/vmm.h $(B)/libvmm.a
	@mkdir -p $(dir $@)
	$(ARM_CC) $(SELFTEST_CFLAGS) -pthread -Ivmm/include -o $@ $< $(B)/libvmm.a $(VMM_LDLIBS)
$(B)/selftests/run: selftests/run-tests.sh
	@mkdir -p $(dir $@)
	install -m 755 $< $@
$(B)/selftests/suites: selftests/board/suites
	@mkdir -p $(dir $@)
	cp $< $@

# --- host unit tests (native, plain and with ASan+UBSan) ----------------------------------
UNIT_SRCS   := $(wildcard selftests/unit/*_test.c)
UNIT_NAMES  := $(patsubst selftests/unit/%.c,%,$(UNIT_SRCS))
UNIT_CFLAGS := $(USER_CFLAGS) -pthread -Iselftests/unit/shim -isystem $(KSELFTEST) -Ikmod -Ihyp -Iuapi \
	       -Ivmm/include -Ivmm/lib
SANITIZE    := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# Each unit test names the sources it exercises (// UNIT_SOURCES: kmod/x.c vmm/lib/y.c ...)
# and any libraries it needs (// UNIT_LDLIBS: -lfdt).
unit_sources = $(shell sed -n 's|^// UNIT_SOURCES:||p' $(1))
unit_ldlibs  = $(shell sed -n 's|^// UNIT_LDLIBS:||p' $(1))

unit: $(addprefix $(B)/unit/,$(UNIT_NAMES)) $(addprefix $(B)/unit-san/,$(UNIT_NAMES))
.SECONDEXPANSION:
$(B)/unit/%: selftests/unit/%.c $$(call unit_sources,selftests/unit/%.c) $(wildcard selftests/unit/shim/*/*.h) | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(UNIT_CFLAGS) -o $@ $< $(call unit_sources,$<) $(call unit_ldlibs,$<)
$(B)/unit-san/%: selftests/unit/%.c $$(call unit_sources,selftests/unit/%.c) $(wildcard selftests/unit/shim/*/*.h) | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(UNIT_CFLAGS) $(SANITIZE) -o $@ $< $(call unit_sources,$<) $(call unit_ldlibs,$<)

# --- the board's initramfs -----------------------------------------------------------------
board: $(B)/board/base.cpio.gz
$(B)/board/base.cpio.gz: $(B)/kvm32.ko $(B)/vmm $(SELFTESTS) $(B)/selftests/run $(B)/selftests/suites scripts/mkinitramfs scripts/board-init $(B)/board/guest-initrd.gz
	scripts/mkinitramfs $@
# The default guest's initramfs (the guest kernel is the stock one).
$(B)/board/guest-initrd.gz: guest/init scripts/mkguest-initramfs | $(DEPS_OK)
	scripts/mkguest-initramfs $@

# --- examples: a launcher embedding libvmm, and bare-metal payloads ------------------------
# vmm/examples/custom_device.c sees only the public vmm/include/vmm.h and links libvmm.a,
# as a program outside this tree would. The payloads (vmm/examples/payloads/) are
# freestanding ARM ELF files linked at RAM base + 32 KiB: guests for the example and for
# vmm_example_test. The board carries all of it in /kvm32/examples.
EXAMPLE_DIR     := $(B)/examples
PAYLOAD_DIR     := vmm/examples/payloads
PAYLOAD_NAMES   := mailbox virtio_abuse
PAYLOADS        := $(patsubst %,$(EXAMPLE_DIR)/%.elf,$(PAYLOAD_NAMES))
EXAMPLES        := $(EXAMPLE_DIR)/custom_device $(PAYLOADS)
# No libc; no VFP (off at reset: -mgeneral-regs-only, while +fp keeps the armhf ABI of
# the libgcc linked for division); ARM state at the entry, as the loader requires.
PAYLOAD_CFLAGS  := -std=gnu11 -O2 -g $(USER_WARN) -marm -march=armv7-a+fp -mgeneral-regs-only \
		   -mno-unaligned-access -ffreestanding -fno-builtin -fno-stack-protector -fno-pie
PAYLOAD_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,$(PAYLOAD_DIR)/payload.ld -Wl,--build-id=none
PAYLOAD_COMMON  := $(PAYLOAD_DIR)/start.S $(PAYLOAD_DIR)/bare.c

.PHONY: examples
examples: $(EXAMPLES)
all: examples
$(B)/board/base.cpio.gz: $(EXAMPLES)

$(EXAMPLE_DIR)/custom_device: vmm/examples/custom_device.c vmm/examples/mailbox.h vmm/include/vmm.h $(B)/libvmm.a
	@mkdir -p $(dir $@)
	$(ARM_CC) $(USER_CFLAGS) -pthread -Ivmm/include -static -o $@ $< $(B)/libvmm.a $(VMM_LDLIBS)
$(EXAMPLE_DIR)/%.elf: $(PAYLOAD_DIR)/%.c $(PAYLOAD_COMMON) $(PAYLOAD_DIR)/bare.h $(PAYLOAD_DIR)/payload.ld vmm/examples/mailbox.h
	@mkdir -p $(dir $@)
	$(ARM_CC) $(PAYLOAD_CFLAGS) $(PAYLOAD_LDFLAGS) -o $@ $(PAYLOAD_COMMON) $< -lgcc

# --- measurements ----------------------------------------------------------------------------
BENCH := $(B)/bench/kvm_bench
$(BENCH): selftests/bench/kvm_bench.c selftests/bench/bench_guest.S uapi/asm/kvm.h $(KVM_H)
	@mkdir -p $(dir $@)
	$(ARM_CC) $(USER_CFLAGS) -static $(USER_INC) -o $@ $(filter %.c %.S,$^)

bench: all board $(BENCH)
	@scripts/bench

# --- checks and the main job -----------------------------------------------------------------
CHECKPATCH_FILES = $(wildcard hyp/*.[chS] kmod/*.[chS])

checkpatch: $(DEPS_OK)
	@scripts/checkpatch-all $(CHECKPATCH_FILES)

check: all board
	@KVM32_NO_BUILD=1 scripts/check $(CHECKPATCH_FILES)

run: all board
	@KVM32_NO_BUILD=1 scripts/qemu-run --guest

clean:
	rm -rf $(B)/module $(B)/vmm-obj $(B)/selftests $(B)/unit $(B)/unit-san $(B)/board $(B)/bench $(B)/examples \
		$(B)/kvm32.ko $(B)/vmm $(B)/libvmm.a $(B)/logs $(B)/check

distclean:
	rm -rf $(B)
