// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU threads: one per vCPU, each looping in KVM_RUN and serving its exits
 * (MMIO to the device models, PSCI system events to the run state).
 *
 * Secondary vCPUs start powered off: their threads wait inside KVM_RUN
 * until the guest's PSCI CPU_ON (handled by the kernel) starts them.
 *
 * To make a thread look at the run state (stop, pause), it is sent SIGUSR1
 * with kvm_run.immediate_exit set: KVM_RUN returns EINTR whether the signal
 * lands inside it or just before it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vm.h"

#define KICK_SIGNAL	SIGUSR1

static void kick_handler(int sig)
{
	(void)sig;	/* its only job is to interrupt KVM_RUN */
}

static int vcpu_init(struct vmm_vcpu *vcpu, char *err, size_t errlen)
{
	struct kvm_vcpu_init init = { 0 };

	if (ioctl(vcpu->vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &init))
		return vmm_err(err, errlen, -errno, "KVM_ARM_PREFERRED_TARGET: %s",
			       strerror(errno));
	init.features[0] = 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (vcpu->index)
		init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF;
	if (ioctl(vcpu->fd, KVM_ARM_VCPU_INIT, &init))
		return vmm_err(err, errlen, -errno, "vCPU %u: KVM_ARM_VCPU_INIT: %s",
			       vcpu->index, strerror(errno));
	return 0;
}

int vmm_vcpus_create(struct vmm *vm, char *err, size_t errlen)
{
	struct sigaction sa = { .sa_handler = kick_handler };
	int mmap_size, ret;
	unsigned int i;

	sigemptyset(&sa.sa_mask);
	if (sigaction(KICK_SIGNAL, &sa, NULL))
		return vmm_err(err, errlen, -errno, "sigaction: %s", strerror(errno));
	mmap_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size <= 0)
		return vmm_err(err, errlen, -EINVAL, "KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
	for (i = 0; i < vm->nr_cpus; i++) {
		struct vmm_vcpu *vcpu = &vm->vcpus[i];

		vcpu->vm = vm;
		vcpu->index = i;
		vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, i);
		if (vcpu->fd < 0)
			return vmm_err(err, errlen, -errno, "vCPU %u: KVM_CREATE_VCPU: %s", i,
				       strerror(errno));
		vcpu->run = mmap(NULL, mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
		if (vcpu->run == MAP_FAILED) {
			vcpu->run = NULL;
			return vmm_err(err, errlen, -errno, "vCPU %u: mmap: %s", i, strerror(errno));
		}
		vcpu->run_size = mmap_size;
		ret = vcpu_init(vcpu, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

int vmm_vcpus_reset(struct vmm *vm, char *err, size_t errlen)
{
	unsigned int i;
	int ret;

	for (i = 0; i < vm->nr_cpus; i++) {
		ret = vcpu_init(&vm->vcpus[i], err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

static void handle_mmio(struct vmm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	/* An address no device decodes reads as zero, as on a bus without errors. */
	mmio_bus_access(&vcpu->vm->bus, run->mmio.phys_addr, run->mmio.is_write,
			run->mmio.data, run->mmio.len);
}

static void handle_system_event(struct vmm_vcpu *vcpu)
{
	switch (vcpu->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		vmm_request_stop(vcpu->vm, VMM_EXIT_POWEROFF, NULL);
		break;
	case KVM_SYSTEM_EVENT_RESET:
		vmm_request_stop(vcpu->vm, VMM_EXIT_RESET, NULL);
		break;
	default:
		vmm_request_stop(vcpu->vm, VMM_EXIT_ERROR, "unknown system event");
		break;
	}
}

/* Waits while the VM is paused. Returns false when the thread must end. */
static bool park_if_paused(struct vmm_vcpu *vcpu)
{
	struct vmm *vm = vcpu->vm;

	pthread_mutex_lock(&vm->lock);
	if (vm->paused && !vm->stopping) {
		vm->nr_parked++;
		pthread_cond_broadcast(&vm->cond);
		while (vm->paused && !vm->stopping)
			pthread_cond_wait(&vm->cond, &vm->lock);
		vm->nr_parked--;
	}
	/* Whatever kick brought us here has been seen. */
	vcpu->run->immediate_exit = 0;
	pthread_mutex_unlock(&vm->lock);
	return !vm->stopping;
}

static void *vcpu_thread(void *arg)
{
	struct vmm_vcpu *vcpu = arg;
	struct vmm *vm = vcpu->vm;
	char msg[200];

	while (!vm->stopping) {
		if (vm->paused && !park_if_paused(vcpu))
			break;
		if (ioctl(vcpu->fd, KVM_RUN, 0)) {
			if (errno == EINTR || errno == EAGAIN) {
				if (!vm->paused)
					park_if_paused(vcpu);
				continue;
			}
			snprintf(msg, sizeof(msg), "vCPU %u: KVM_RUN: %s", vcpu->index,
				 strerror(errno));
			vmm_request_stop(vm, VMM_EXIT_ERROR, msg);
			break;
		}
		switch (vcpu->run->exit_reason) {
		case KVM_EXIT_MMIO:
			handle_mmio(vcpu);
			break;
		case KVM_EXIT_SYSTEM_EVENT:
			handle_system_event(vcpu);
			break;
		case KVM_EXIT_INTR:
			break;
		default:
			snprintf(msg, sizeof(msg), "vCPU %u: unexpected exit reason %u (pc unknown)",
				 vcpu->index, vcpu->run->exit_reason);
			vmm_request_stop(vm, VMM_EXIT_ERROR, msg);
			break;
		}
	}
	return NULL;
}

int vmm_vcpus_start(struct vmm *vm, char *err, size_t errlen)
{
	sigset_t block, old;
	unsigned int i;
	int ret = 0;

	/* Only vCPU threads take the kick signal: block it around their creation elsewhere. */
	sigemptyset(&block);
	sigaddset(&block, KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &block, &old);
	for (i = 0; i < vm->nr_cpus; i++) {
		struct vmm_vcpu *vcpu = &vm->vcpus[i];

		vcpu->run->immediate_exit = 0;
		ret = pthread_create(&vcpu->thread, NULL, vcpu_thread, vcpu);
		if (ret) {
			vmm_request_stop(vm, VMM_EXIT_ERROR, "cannot start a vCPU thread");
			ret = vmm_err(err, errlen, -ret, "vCPU %u: pthread_create: %s", i,
				      strerror(ret));
			break;
		}
		vcpu->thread_started = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ret;
}

void vmm_vcpus_kick(struct vmm *vm)
{
	unsigned int i;

	pthread_mutex_lock(&vm->lock);
	for (i = 0; i < vm->nr_cpus; i++) {
		struct vmm_vcpu *vcpu = &vm->vcpus[i];

		if (!vcpu->thread_started)
			continue;
		vcpu->run->immediate_exit = 1;
		pthread_kill(vcpu->thread, KICK_SIGNAL);
	}
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
}

void vmm_vcpus_join(struct vmm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_cpus; i++) {
		struct vmm_vcpu *vcpu = &vm->vcpus[i];

		if (!vcpu->thread_started)
			continue;
		pthread_join(vcpu->thread, NULL);
		vcpu->thread_started = false;
	}
}

void vmm_vcpus_destroy(struct vmm *vm)
{
	unsigned int i;

	if (vm->running) {
		vmm_request_stop(vm, VMM_EXIT_STOPPED, NULL);
		vmm_vcpus_kick(vm);
		vmm_vcpus_join(vm);
	}
	for (i = 0; i < vm->nr_cpus; i++) {
		struct vmm_vcpu *vcpu = &vm->vcpus[i];

		if (vcpu->run)
			munmap(vcpu->run, vcpu->run_size);
		if (vcpu->fd >= 0)
			close(vcpu->fd);
	}
}
