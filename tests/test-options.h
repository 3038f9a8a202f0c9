/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_TEST_OPTIONS_H
#define LKVM_TESTS_TEST_OPTIONS_H

#include "cli/options.h"
#include "tests/unit.h"

/*
 * "lkvm run" with the given arguments, into cfg; the message lands in
 * the calling file's err[OPTIONS_ERR_MAX].
 */
#define ARGV(...) ((char *[]){ "run", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "run", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(cfg, ...) options_parse_run(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), \
					  (cfg), err, sizeof(err))

/* The devices' options (test-options-dev.c). */
void test_network(struct unit *u);
void test_9p(struct unit *u);
void test_vsock(struct unit *u);
void test_transport(struct unit *u);

#endif
