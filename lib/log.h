/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_LIB_LOG_H
#define LKVM_LIB_LOG_H

/*
 * Messages go to stderr, prefixed "lkvm: <level>: ". The threshold is
 * part of the caller's context (struct vm_config.loglevel), passed in,
 * so nothing here is global.
 */
enum log_level {
	LOG_ERROR,
	LOG_WARNING,
	LOG_INFO,
	LOG_DEBUG,
};

void log_msg(int threshold, enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int log_level_parse(const char *name);
const char *log_level_name(enum log_level level);

#define pr_err(th, ...)		log_msg((th), LOG_ERROR, __VA_ARGS__)
#define pr_warn(th, ...)	log_msg((th), LOG_WARNING, __VA_ARGS__)
#define pr_info(th, ...)	log_msg((th), LOG_INFO, __VA_ARGS__)
#define pr_debug(th, ...)	log_msg((th), LOG_DEBUG, __VA_ARGS__)

#endif
