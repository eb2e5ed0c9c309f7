// SPDX-License-Identifier: GPL-2.0
/*
 * make bench's latency probe: a ping through a device at the Ethernet
 * layer.  Send one frame on TXDEV (a packet socket), wait until it comes
 * in on RXDEV (another, bound to the frame's EtherType, so it sees only
 * received frames), record the time between, then wait GAP_US and send
 * the next.  A vnetmq device is its own receiver (TXDEV = RXDEV); a veth
 * pair's is the peer.
 *
 * usage: bench-lat TXDEV RXDEV COUNT GAP_US
 *
 * Prints "lat MEDIAN_NS P99_NS COUNT".  Errors go to stderr, with exit
 * status 1; a frame that does not come back within a second is one.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench-util.h"

/* IEEE 802 Local Experimental EtherType 1: no protocol handler takes it. */
#define PROBE_TYPE	0x88b5
#define FRAME_LEN	60

/* A packet socket on DEV for PROTO (0: send only); its address in @sll. */
static int packet_socket(const char *dev, int proto, struct sockaddr_ll *sll)
{
	int fd = socket(AF_PACKET, SOCK_RAW, htons(proto));

	if (fd < 0)
		fail("socket(AF_PACKET)");
	memset(sll, 0, sizeof(*sll));
	sll->sll_family = AF_PACKET;
	sll->sll_protocol = htons(proto);
	sll->sll_ifindex = if_nametoindex(dev);
	if (!sll->sll_ifindex)
		fail(dev);
	if (bind(fd, (struct sockaddr *)sll, sizeof(*sll)))
		fail("bind");
	return fd;
}

static void dev_mac(int fd, const char *dev, unsigned char *mac)
{
	struct ifreq ifr = {};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		fail("SIOCGIFHWADDR");
	memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
}

/* Wait for the frame numbered @seq on @rx: other frames are skipped. */
static void await(int rx, uint32_t seq)
{
	unsigned char buf[2048];
	struct pollfd pfd = { .fd = rx, .events = POLLIN };
	uint32_t got;
	ssize_t n;

	for (;;) {
		n = recv(rx, buf, sizeof(buf), MSG_DONTWAIT);
		if (n >= (ssize_t)(ETH_HLEN + sizeof(got))) {
			memcpy(&got, buf + ETH_HLEN, sizeof(got));
			if (got == seq)
				return;
			continue;
		}
		if (n >= 0)
			continue;
		if (errno != EAGAIN)
			fail("recv");
		n = poll(&pfd, 1, 1000);
		if (n < 0)
			fail("poll");
		if (!n) {
			fprintf(stderr, "bench-lat: frame %u did not come back within a second\n",
				seq);
			exit(1);
		}
	}
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	unsigned char frame[FRAME_LEN] = {};
	struct sockaddr_ll txa, rxa;
	uint64_t *lat, start;
	unsigned long count, gap;
	int tx, rx;
	uint32_t i;

	if (argc != 5) {
		fprintf(stderr, "usage: bench-lat TXDEV RXDEV COUNT GAP_US\n");
		return 1;
	}
	count = strtoul(argv[3], NULL, 10);
	gap = strtoul(argv[4], NULL, 10);
	if (!count) {
		fprintf(stderr, "bench-lat: COUNT must be 1 or more\n");
		return 1;
	}
	lat = calloc(count, sizeof(*lat));
	if (!lat)
		fail("calloc");
	tx = packet_socket(argv[1], 0, &txa);
	txa.sll_protocol = htons(PROBE_TYPE);
	rx = packet_socket(argv[2], PROBE_TYPE, &rxa);
	dev_mac(rx, argv[2], frame);
	dev_mac(tx, argv[1], frame + ETH_ALEN);
	frame[12] = PROBE_TYPE >> 8;
	frame[13] = PROBE_TYPE & 0xff;
	for (i = 0; i < count; i++) {
		memcpy(frame + ETH_HLEN, &i, sizeof(i));
		start = now_ns();
		if (sendto(tx, frame, sizeof(frame), 0,
			   (struct sockaddr *)&txa, sizeof(txa)) != sizeof(frame))
			fail("sendto");
		await(rx, i);
		lat[i] = now_ns() - start;
		if (gap)
			usleep(gap);
	}
	qsort(lat, count, sizeof(*lat), by_value);
	printf("lat %llu %llu %lu\n", (unsigned long long)lat[count / 2],
	       (unsigned long long)lat[(count * 99) / 100], count);
	return 0;
}
