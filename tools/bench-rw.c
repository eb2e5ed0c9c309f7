// SPDX-License-Identifier: GPL-2.0
/*
 * make bench's userspace side: move frames through one vnetmq queue
 * file or one tun queue (IFF_TAP | IFF_MULTI_QUEUE | IFF_NO_PI), the
 * same way for both, and print the rate.
 *
 * usage: bench-rw read vnetmq NODE DEV
 *        bench-rw read tun NODE DEV
 *        bench-rw write vnetmq NODE DEV FRAMES
 *        bench-rw write tun NODE DEV FRAMES
 *
 * NODE is /dev/vnetmq or /dev/net/tun (or a node made from sysfs).  For
 * vnetmq, DEV is a vnetmq device and the file serves its queue pair 0;
 * for tun, DEV is the name of a new tap device.  "read" prints "# ready"
 * once attached, then reads one frame per read() until no frame came for
 * a second, and prints "rate FRAMES_PER_S FRAMES".  "write" writes FRAMES
 * 60-byte frames (UDP from the device to a TEST-NET-2 address) and
 * prints the same.  Errors go to stderr, with exit status 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
/* Before the uapi headers: they then leave out what glibc defines. */
#include <net/if.h>
#include <linux/if_tun.h>
#include <linux/vnetmq.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "bench-util.h"

#define FRAME_LEN	60

static int open_vnetmq(const char *node, const char *dev)
{
	struct vnetmq_attach a = { .queue = 0 };
	int fd = open(node, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fail(node);
	a.ifindex = if_nametoindex(dev);
	if (!a.ifindex)
		fail(dev);
	if (ioctl(fd, VNETMQ_ATTACH, &a))
		fail("VNETMQ_ATTACH");
	return fd;
}

static int open_tun(const char *node, const char *dev)
{
	struct ifreq ifr = {
		.ifr_flags = IFF_TAP | IFF_MULTI_QUEUE | IFF_NO_PI,
	};
	int fd = open(node, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fail(node);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(fd, TUNSETIFF, &ifr))
		fail("TUNSETIFF");
	return fd;
}

/*
 * Frames until none came for a second; the rate from first to last.
 * One read() a frame while frames wait, poll() only when none does: the
 * way a reader that keeps up with its file works.
 */
static void bench_read(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	double first = 0, last = 0;
	unsigned long n = 0;
	char buf[2048];

	if (fcntl(fd, F_SETFL, O_NONBLOCK))
		fail("O_NONBLOCK");
	printf("# ready\n");
	fflush(stdout);
	for (;;) {
		int r;

		if (read(fd, buf, sizeof(buf)) >= 0) {
			last = now_ns() / 1e9;
			if (!n++)
				first = last;
			continue;
		}
		if (errno != EAGAIN)
			fail("read");
		r = poll(&p, 1, n ? 1000 : 60000);
		if (r < 0)
			fail("poll");
		if (!r)
			break;
	}
	printf("rate %.0f %lu\n", n > 1 ? (n - 1) / (last - first) : 0.0, n);
}

static void frame(unsigned char *f, const char *dev)
{
	static const unsigned char udp[] = {
		0x08, 0x00,				/* IPv4 */
		0x45, 0x00, 0x00, 0x2e, 0x00, 0x00, 0x00, 0x00,
		0x40, 0x11, 0x00, 0x00,			/* UDP */
		0xc6, 0x33, 0x64, 0x02,			/* 198.51.100.2 */
		0xc6, 0x33, 0x64, 0x01,			/* 198.51.100.1 */
		0x04, 0x00, 0x04, 0x00, 0x00, 0x1a, 0x00, 0x00,
	};
	char path[64];
	unsigned int m[6];
	FILE *addr;
	int i;

	memset(f, 0, FRAME_LEN);
	snprintf(path, sizeof(path), "/sys/class/net/%s/address", dev);
	addr = fopen(path, "r");
	if (!addr || fscanf(addr, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2],
			    &m[3], &m[4], &m[5]) != 6)
		fail(path);
	fclose(addr);
	for (i = 0; i < 6; i++)
		f[i] = m[i];
	f[6] = 0x02;				/* a local source MAC */
	memcpy(f + 12, udp, sizeof(udp));
}

static void bench_write(int fd, const char *dev, unsigned long frames)
{
	unsigned char f[FRAME_LEN];
	unsigned long n;
	double start;

	frame(f, dev);
	start = now_ns() / 1e9;
	for (n = 0; n < frames; n++)
		if (write(fd, f, sizeof(f)) != sizeof(f))
			fail("write");
	printf("rate %.0f %lu\n", frames / (now_ns() / 1e9 - start), frames);
}

int main(int argc, char **argv)
{
	bool tun;
	int fd;

	if (argc < 5 || (strcmp(argv[1], "read") && strcmp(argv[1], "write")) ||
	    (strcmp(argv[2], "vnetmq") && strcmp(argv[2], "tun")) ||
	    (!strcmp(argv[1], "write") && argc != 6)) {
		fprintf(stderr, "usage: bench-rw read|write vnetmq|tun NODE DEV [FRAMES]\n");
		return 2;
	}
	tun = !strcmp(argv[2], "tun");
	fd = tun ? open_tun(argv[3], argv[4]) : open_vnetmq(argv[3], argv[4]);
	if (!strcmp(argv[1], "read"))
		bench_read(fd);
	else
		bench_write(fd, argv[4], strtoul(argv[5], NULL, 0));
	return 0;
}
