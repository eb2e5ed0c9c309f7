// SPDX-License-Identifier: GPL-2.0
/*
 * make bench's TCP stream: one connection carries BYTES bytes from the
 * sender to a sink, and the sender prints the rate.
 *
 * usage: bench-tcp sink ADDR PORT
 *        bench-tcp send ADDR PORT BYTES
 *
 * "sink" listens on ADDR:PORT (IPv4), prints "# ready", then takes one
 * connection after another, reads each until the sender shuts it down
 * and closes it: it runs until killed.  "send" connects, writes BYTES in
 * 256 KiB writes, shuts its side down and waits for the sink's close, so
 * that the time it measures, from connect to that close, covers every
 * byte received; it prints "rate BITS_PER_S BYTES".  Errors go to
 * stderr, with exit status 1.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench-util.h"

#define CHUNK	(256 * 1024)

static char buf[CHUNK];

static struct sockaddr_in addr_of(const char *ip, const char *port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(atoi(port)),
	};

	if (inet_pton(AF_INET, ip, &sin.sin_addr) != 1) {
		fprintf(stderr, "bench-tcp: %s: not an IPv4 address\n", ip);
		exit(1);
	}
	return sin;
}

/* Read @fd until EOF. */
static void drain(int fd)
{
	ssize_t n;

	do {
		n = read(fd, buf, sizeof(buf));
	} while (n > 0);
	if (n < 0)
		fail("read");
}

static void __attribute__((noreturn)) sink(const char *ip, const char *port)
{
	struct sockaddr_in sin = addr_of(ip, port);
	int one = 1, lfd, fd;

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		fail("socket");
	if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		fail("SO_REUSEADDR");
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)))
		fail("bind");
	if (listen(lfd, 4))
		fail("listen");
	printf("# ready\n");
	fflush(stdout);
	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			fail("accept");
		drain(fd);
		close(fd);
	}
}

static int send_stream(const char *ip, const char *port, const char *bytes)
{
	struct sockaddr_in sin = addr_of(ip, port);
	unsigned long long total = strtoull(bytes, NULL, 10), left;
	uint64_t start, ns;
	ssize_t n;
	int fd;

	if (!total) {
		fprintf(stderr, "bench-tcp: %s: give a byte count above 0\n",
			bytes);
		return 1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fail("socket");
	start = now_ns();
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		fail("connect");
	for (left = total; left; left -= n) {
		n = write(fd, buf, left < CHUNK ? left : CHUNK);
		if (n < 0)
			fail("write");
	}
	if (shutdown(fd, SHUT_WR))
		fail("shutdown");
	drain(fd);
	ns = now_ns() - start;
	printf("rate %.0f %llu\n", total * 8e9 / (ns ? ns : 1), total);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "sink"))
		sink(argv[2], argv[3]);
	if (argc == 5 && !strcmp(argv[1], "send"))
		return send_stream(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: bench-tcp sink ADDR PORT\n"
		"       bench-tcp send ADDR PORT BYTES\n");
	return 1;
}
