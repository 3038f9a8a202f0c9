/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HOST_CONTROL_KVMTOOL_H
#define LKVM_HOST_CONTROL_KVMTOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host/control-proto.h"

/*
 * kvmtool's control protocol (its kvm-ipc.c), which lkvm's socket speaks
 * beside its own lines. A message is a header, two u32 in the host's byte
 * order (little-endian on arm64): its type and the length of the body
 * that follows. PID and VMSTATE are answered with one bare 32-bit int, no
 * header; STOP, PAUSE and RESUME with nothing. A connection carries any
 * number of messages (kvmtool's pause sends VMSTATE, then PAUSE).
 */
#define KVMIPC_HDR_LEN		8
#define KVMIPC_BODY_MAX		64	/* kvmtool's largest, DEBUG's, is 12 bytes */
#define KVMIPC_ANSWER_LEN	4
/* DEBUG's body, kvmtool's struct debug_cmd_params: u32 type, u32 cpu, char sysrq. */
#define KVMIPC_DEBUG_LEN	12
#define KVMIPC_DEBUG_DUMP	(1u << 0)
#define KVMIPC_DEBUG_NMI	(1u << 1)
#define KVMIPC_DEBUG_SYSRQ	(1u << 2)

enum kvmipc_type {
	KVMIPC_BALLOON = 1,
	KVMIPC_DEBUG,
	KVMIPC_STAT,
	KVMIPC_PAUSE,
	KVMIPC_RESUME,
	KVMIPC_STOP,
	KVMIPC_PID,
	KVMIPC_VMSTATE,
};

/*
 * VMSTATE's answer: kvmtool's KVM_VMSTATE_RUNNING and _PAUSED, and lkvm's
 * panicked guest, which kvmtool's clients show as running (they test
 * for paused only).
 */
enum kvmipc_state {
	KVMIPC_RUNNING,
	KVMIPC_PAUSED,
	KVMIPC_PANICKED,
};

/* Answers one lkvm request, as control_handler_t. */
typedef int (*kvmipc_handler_t)(void *opaque, const struct control_cmd *cmd,
				char *msg, size_t len);

struct kvmipc_served {
	size_t used;		/* bytes of the input taken */
	size_t out_len;		/* answer bytes to send */
	bool close;		/* end the connection once they are sent */
	bool dump;		/* then send the register dump (DEBUG), and close */
};

bool kvmipc_starts(unsigned char first);
int kvmipc_frame(const uint8_t *buf, size_t len, uint32_t *type,
		 uint32_t *body_len);
int kvmipc_serve(const uint8_t *buf, size_t len, kvmipc_handler_t handler,
		 void *opaque, uint8_t *out, size_t out_max,
		 struct kvmipc_served *res);

void kvmipc_put_u32(uint8_t *p, uint32_t v);
uint32_t kvmipc_get_u32(const uint8_t *p);
void kvmipc_header(uint8_t *p, uint32_t type, uint32_t body_len);
int kvmipc_status_parse(const char *status, int32_t *state, int32_t *pid);
const char *kvmipc_state_name(int32_t state);

#endif
