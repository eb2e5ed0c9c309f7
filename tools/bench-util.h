/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What make bench's C programs (bench-rw.c, bench-lat.c) share: how they
 * fail and how they read the clock.  Include after defining _GNU_SOURCE.
 */
#ifndef VNETMQ_BENCH_UTIL_H
#define VNETMQ_BENCH_UTIL_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "PROGRAM: WHAT: the errno's text" on stderr, and exit status 1. */
static inline void fail(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what,
		strerror(errno));
	exit(1);
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

#endif
