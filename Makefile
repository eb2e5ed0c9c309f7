# SPDX-License-Identifier: GPL-2.0
#
# The vnetmq rig: builds a User Mode Linux kernel with the driver entered
# into a kernel tree, runs its KUnit suites with kunit.py, boots the same
# kernel with the host filesystem as root for the e2e selftests, and runs
# netdev's static gates.  `make help` lists the targets.

KVER	?= 7.3
KSRC	?=
BUILD	?= $(CURDIR)/build
export KVER KSRC BUILD

.PHONY: help setup kernel kunit kcsan e2e peers mainline stress fuzz faults module coverage gates rig-tests series series-refresh test demo bench clean

help:
	@echo 'make demo     build, boot UML, show vnetmq moving frames queue by queue'
	@echo 'make test     every KUnit suite, e2e selftest and static gate (CI runs this)'
	@echo 'make kunit    KUnit suites only; SUITE=glob picks some (SUITE=vnetmq_queue)'
	@echo 'make kcsan    KUnit suites again on x86_64 with KCSAN, under QEMU ($(BUILD)/kcsan-kernel/); SUITE="g1 g2": one boot per glob'
	@echo 'make e2e      e2e selftests only; TESTS="vnetmq_basic.sh" picks some'
	@echo 'make peers    the same probes on vnetmq, veth and netdevsim: what only vnetmq can test'
	@echo 'make mainline the tree'"'"'s drivers/net and drivers/net/hw selftests on a vnetmq pair, a veth pair and netdevsim; FAST=1 or FILES=drivers/net/hw/ntuple.py picks some'
	@echo 'make stress   race the control plane against traffic (DURATION=300 s, SEED= repeats a run), then make fuzz and make faults'
	@echo 'make fuzz     random input against every uapi of vnetmq while its devices change (DURATION=600 s; SEED= replays a run)'
	@echo 'make faults   fail each of vnetmq'"'"'s allocations in turn on every path (PATHS= picks some)'
	@echo 'make module   load and unload vnetmq.ko for real, on a kernel of its own ($(BUILD)/module-kernel/)'
	@echo 'make coverage line and function coverage of the driver by KUnit, e2e and the fault sweep ($(BUILD)/coverage/); STAGES='
	@echo 'make gates    static gates only; GATES="checkpatch sparse" picks some'
	@echo 'make rig-tests the rig'"'"'s own tests (set-up, fetchers; seconds, no network)'
	@echo 'make series   write the net-next patch series to $(BUILD)/series/'
	@echo 'make series-refresh   fold changed files into the patches (INTO=NNNN: where new code goes)'
	@echo 'make bench    vnetmq against veth, lo, dummy and tun, one boot on each of two kernels ($(BUILD)/bench/); FRAMES=, RUNS=, CASES=, KERNELS='
	@echo 'make kernel   build the rig kernel ($(BUILD)/kernel/linux)'
	@echo 'make setup    install host packages and build sparse (run by the others)'
	@echo 'make clean    remove $(BUILD)'
	@echo 'KSRC=/path/to/linux uses that tree instead of Debian linux-source-$(KVER)'

setup:
	@tools/setup-host.sh

kernel: setup
	@tools/build-kernel.sh

kunit: setup
	@tools/kunit.sh $(if $(SUITE),'$(SUITE)')

kcsan: setup
	@tools/kcsan.sh $(foreach s,$(SUITE),'$(s)')

e2e: kernel
	@tools/e2e.sh $(TESTS)

peers: kernel
	@tools/peers.sh

stress: kernel
	@tools/stress.sh
	@DURATION=$${DURATION:-300} tools/fuzz.sh
	@tools/fault.sh
	@tools/module.sh

fuzz: kernel
	@tools/fuzz.sh

faults: kernel
	@tools/fault.sh

module: setup
	@tools/module.sh

mainline: setup
	@tools/setup-host.sh mainline
	@tools/mainline.sh $(if $(FAST),--fast) $(FILES)

coverage:
	@tools/setup-host.sh coverage
	@tools/coverage.sh

gates: setup
	@ci/gates.sh $(GATES)

series: setup
	@tools/series.sh export $(SERIES)

series-refresh: setup
	@tools/series.sh refresh $(INTO)

rig-tests:
	@tools/rig-tests.sh

test: setup
	@tools/test.sh

demo: kernel
	@tools/demo.sh

bench:
	@tools/setup-host.sh bench
	@tools/bench.sh

clean:
	rm -rf $(BUILD)
