// SPDX-License-Identifier: GPL-2.0
/*
 * vnetmq_fuzz: random input against every uapi vnetmq has, inside the rig
 * kernel (make fuzz, and a short run in make test).
 *
 * Worker processes of several threads each open, close, read, write,
 * poll and ioctl queue files (/dev/vnetmq, or $VNETMQ_NODE), send
 * SIOCDEVPRIVATE ioctls and raw generic netlink messages to the vnetmq
 * family, create pairs with raw RTM_NEWLINK requests whose peer info is
 * random, and send frames from packet sockets; one process runs as an
 * unprivileged user.  A churn thread changes the devices under them:
 * ethtool -L/-G/-C/-K, receive steering (ethtool -X/-N, and raw
 * SIOCETHTOOL rule and hash-field requests), mqprio on and off, MTU,
 * link down and up, delete
 * and create (alone, or as one end of a pair whose other end is in the
 * fuzz netns), netns moves and netns deletion.  A watchdog interrupts
 * calls blocked in the kernel with a signal.  Arguments are valid, random
 * or bad (unmapped, read-only and page-straddling buffers, reserved
 * fields, unknown flags and sizes); their structure comes from the uapi
 * (vnetmq_fuzz_uapi.h, which tools/fuzz/uapi-gen.py writes).
 *
 * Each thread draws from its own generator seeded from SEED, and each
 * operation from a generator of its own seeded from the thread's, so a
 * --replay SEED runs the same operations with the same values in each
 * thread again; what they meet (which files are attached, which devices
 * exist) depends on how the threads interleave, which is the
 * scheduler's.  The parent watches /dev/kmsg: the first kernel report
 * stops the run; after it, kmemleak scans.  A report, a leak, or a worker
 * that dies or does not stop prints the seed, what happened and each
 * thread's last operations.
 *
 * usage: vnetmq_fuzz [--seed N | --replay N] [--seconds S] [--ops N]
 *                    [--procs P] [--threads T]
 * Exit status: 0 if the kernel reported nothing, 1 if it did, 2 on a
 * usage or set-up error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/ethtool.h>
#include <linux/genetlink.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/virtio_net.h>
#include <linux/vnetmq.h>
#include <linux/vnetmq_netlink.h>

/* The host's headers may predate it (include/uapi/linux/virtio_net.h). */
#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4	5
#endif

/* Nor know vnetmq's link attributes (include/uapi/linux/if_link.h). */
#ifndef IFLA_VNETMQ_MAX
#define IFLA_VNETMQ_PEER_INFO	1
#define IFLA_VNETMQ_MAX		1
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum fz_type { FZ_FLAG, FZ_U8, FZ_U16, FZ_U32, FZ_U64, FZ_BINARY,
	       FZ_STRING, FZ_NEST };

struct fz_ioctl {
	const char *name;
	unsigned long cmd;
};

/* An attribute: its checks' max-len, and min..max (none if min > max). */
struct fz_attr {
	const char *name;
	unsigned short id;
	unsigned char type;
	unsigned int max_len;
	long long min, max;
};

/* An operation: every attribute of its set, and those its requests take. */
struct fz_op {
	const char *name;
	unsigned char cmd, has_do, has_dump;
	const struct fz_attr *attrs;
	unsigned int n_attrs;
	const struct fz_attr *req;
	unsigned int n_req;
};

#include "vnetmq_fuzz_uapi.h"

#define MAX_PROCS	8
#define MAX_THREADS	8
#define LOG_OPS		12
#define LOG_LEN		112
#define SLOTS		6	/* queue files per process */
#define MAX_FRAME	(65535 + 18 + sizeof(struct virtio_net_hdr) + 64)
#define NS		"vnetmq-fz"
#define NOBODY		65534

/* The first is never deleted nor moved (op_packet() says why). */
static const char * const devs[] = { "vnetmqf0", "vnetmqf1", "vnetmqf2" };
#define STABLE_DEV	(devs[0])

enum {
	OP_OPEN, OP_CLOSE, OP_IOCTL, OP_READ, OP_WRITE, OP_POLL, OP_SIOC,
	OP_GENL, OP_PACKET, OP_RTNL, OP_CHURN, NR_OPS
};

static const char * const op_names[NR_OPS] = {
	"open", "close", "ioctl", "read", "write", "poll", "siocdevprivate",
	"genl", "packet", "rtnl", "churn",
};

/* How often each worker operation is drawn, out of the sum. */
static const unsigned int op_weight[NR_OPS] = {
	[OP_OPEN] = 4, [OP_CLOSE] = 1, [OP_IOCTL] = 24, [OP_READ] = 14,
	[OP_WRITE] = 24, [OP_POLL] = 5, [OP_SIOC] = 4, [OP_GENL] = 16,
	[OP_PACKET] = 7, [OP_RTNL] = 2,
};

/* What the parent reads after the workers stop: in MAP_SHARED memory. */
struct thread_log {
	unsigned long n;
	char op[LOG_OPS][LOG_LEN];
};

static struct shared {
	int stop;
	unsigned long ops[NR_OPS], ok[NR_OPS];	/* drawn, and accepted */
	struct thread_log log[MAX_PROCS][MAX_THREADS + 1];
	char report[256];
} *sh;

static struct {
	unsigned long seed, ops;
	unsigned int seconds, procs, threads;
	const char *node;
} cfg = { .seconds = 60, .procs = 3, .threads = 4 };

/* Pages for bad arguments: none, read-only, and a page whose end
 * touches an unmapped one.
 */
static unsigned char *page_none, *page_ro, *page_edge;
/* page_ro's writable view: one memfd page mapped twice. */
static unsigned char *page_rw_view;
static size_t page_size;

struct worker {
	pthread_t tid;
	unsigned int proc, idx;
	uint64_t rng;
	int nl, nl_family, inet, pkt;
	unsigned char *buf, *rbuf;
	struct thread_log *log;
};

static int slots[SLOTS];
/* The flags of each slot's last ATTACH that worked: whether its frames
 * carry a vnet header.  Racy, as everything here: a guess, mostly right.
 */
static unsigned int slot_flags[SLOTS];
static struct worker workers[MAX_THREADS + 1];

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "vnetmq_fuzz: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static int stopping(void)
{
	return __atomic_load_n(&sh->stop, __ATOMIC_RELAXED);
}

/* splitmix64: small, fast, and one per thread, so seeds replay. */
static uint64_t rnd(struct worker *w)
{
	uint64_t z = (w->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int below(struct worker *w, unsigned int n)
{
	return n ? rnd(w) % n : 0;
}

static int chance(struct worker *w, unsigned int percent)
{
	return below(w, 100) < percent;
}

static void fill_random(struct worker *w, void *p, size_t len)
{
	unsigned char *b = p;
	uint64_t r = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (!(i & 7))
			r = rnd(w);
		b[i] = r >> (8 * (i & 7));
	}
}

static void logop(struct worker *w, const char *fmt, ...)
{
	char *line = w->log->op[w->log->n % LOG_OPS];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, LOG_LEN, fmt, ap);
	va_end(ap);
	__atomic_store_n(&w->log->n, w->log->n + 1, __ATOMIC_RELEASE);
}

static const char *dev_pick(struct worker *w)
{
	return devs[below(w, ARRAY_SIZE(devs))];
}

/* An ifindex: one of the fuzz devices mostly, else anything. */
static unsigned int ifindex_pick(struct worker *w)
{
	switch (below(w, 8)) {
	case 0:
		return below(w, 2) ? 1 : 0;
	case 1:
		return rnd(w);
	default:
		return if_nametoindex(dev_pick(w));
	}
}

/* A user pointer for LEN bytes: usually BUF, else a bad one. */
static void *ptr_pick(struct worker *w, void *buf, size_t len, int writes)
{
	if (chance(w, 80))
		return buf;
	switch (below(w, 5)) {
	case 0:
		return NULL;
	case 1:
		return page_none;
	case 2:		/* starts in the page, runs into the unmapped one */
		return page_edge + page_size - 1 -
		       below(w, len && len < page_size ? len : page_size);
	case 3:
		return writes ? page_ro : buf;
	default:
		return (void *)(uintptr_t)rnd(w);
	}
}

/* Run a command, quietly; its exit status or -1. */
static int run(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	unsigned int waited;
	pid_t pid, r;
	int st;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ)) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	for (waited = 0;; waited++) {
		r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -1;
		/* A tool stuck in the kernel must not hold up the end. */
		if (stopping() && waited > 1000)
			kill(pid, SIGKILL);
		usleep(10000);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* runf "ip link set dev %s up": split on blanks, then run. */
static int runf(struct worker *w, const char *fmt, ...)
{
	char line[256], *argv[32], *save = NULL, *tok;
	unsigned int n = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (w)
		logop(w, "churn %s", line);
	for (tok = strtok_r(line, " ", &save); tok && n < 31;
	     tok = strtok_r(NULL, " ", &save))
		argv[n++] = tok;
	argv[n] = NULL;
	return run(argv);
}

/* ---- queue files ---- */

static int slot_fd(struct worker *w, unsigned int *slot)
{
	unsigned int i = below(w, SLOTS);

	if (slot)
		*slot = i;
	return __atomic_load_n(&slots[i], __ATOMIC_RELAXED);
}

static int op_open(struct worker *w)
{
	int flags = O_RDWR | (chance(w, 50) ? O_NONBLOCK : 0);
	int fd = open(cfg.node, flags | O_CLOEXEC);
	int old;

	logop(w, "open %s flags %#x = %d", cfg.node, flags, fd);
	if (fd < 0)
		return 0;
	old = __atomic_exchange_n(&slots[below(w, SLOTS)], fd,
				  __ATOMIC_RELAXED);
	if (old >= 0)
		close(old);
	return 1;
}

static int op_close(struct worker *w)
{
	int fd = __atomic_exchange_n(&slots[below(w, SLOTS)], -1,
				     __ATOMIC_RELAXED);

	logop(w, "close %d", fd);
	return fd >= 0 && !close(fd);
}

/* A command: the uapi's, with its size or number changed, or anything. */
static unsigned long ioctl_cmd_pick(struct worker *w)
{
	unsigned long cmd = fz_qfile_ioctls[below(w, ARRAY_SIZE(fz_qfile_ioctls))].cmd;

	switch (below(w, 10)) {
	case 0:
		return _IOC(_IOC_DIR(cmd), _IOC_TYPE(cmd), _IOC_NR(cmd),
			    below(w, 64));
	case 1:
		return _IOC(below(w, 4), VNETMQ_IOC_MAGIC, below(w, 16),
			    below(w, 32));
	case 2:
		return (unsigned int)rnd(w);
	default:
		return cmd;
	}
}

static void attach_fill(struct worker *w, struct vnetmq_attach *a)
{
	static const unsigned int queues[] = { 0, 1, 2, 3, 7, 8, 63,
					       VNETMQ_QUEUE_ANY };

	memset(a, 0, sizeof(*a));
	a->ifindex = ifindex_pick(w);
	a->queue = chance(w, 90) ? queues[below(w, ARRAY_SIZE(queues))] :
				   rnd(w);
	a->flags = chance(w, 85) ? below(w, 2) * VNETMQ_F_VNET_HDR : rnd(w);
	if (chance(w, 8))
		a->reserved = rnd(w) | 1;
}

static int op_ioctl(struct worker *w)
{
	struct vnetmq_attach *a = (struct vnetmq_attach *)w->buf;
	unsigned long cmd = ioctl_cmd_pick(w);
	size_t size = _IOC_SIZE(cmd);
	unsigned int slot;
	int fd = slot_fd(w, &slot), ret;
	void *arg;

	/* Often a plain ATTACH, so that the datapath has files to use. */
	if (chance(w, 40)) {
		cmd = VNETMQ_ATTACH;
		attach_fill(w, a);
		a->ifindex = if_nametoindex(dev_pick(w));
		a->queue = chance(w, 50) ? VNETMQ_QUEUE_ANY : below(w, 4);
		a->flags = below(w, 2) * VNETMQ_F_VNET_HDR;
		a->reserved = 0;
		arg = a;
		/* A valid request the kernel cannot answer: it must undo. */
		if (chance(w, 10)) {
			memcpy(page_rw_view, a, sizeof(*a));
			arg = page_ro;
		}
	} else {
		if (chance(w, 80) && size >= sizeof(*a))
			attach_fill(w, a);
		else
			fill_random(w, w->buf, size ? size : 8);
		arg = chance(w, 5) ? (void *)(uintptr_t)rnd(w) :
		      ptr_pick(w, w->buf, size, _IOC_DIR(cmd) & _IOC_READ);
	}
	ret = ioctl(fd, cmd, arg);
	logop(w, "ioctl fd %d cmd %#lx arg %p = %d (%d)", fd, cmd, arg, ret,
	      ret < 0 ? errno : 0);
	if (!ret && cmd == VNETMQ_ATTACH && arg == a)
		__atomic_store_n(&slot_flags[slot], a->flags, __ATOMIC_RELAXED);
	return ret >= 0;
}

static size_t len_pick(struct worker *w, size_t max)
{
	static const size_t lens[] = { 0, 1, 9, 10, 13, 14, 23, 24, 59, 60,
				       64, 1514, 1518, 1524, 1528, 9000,
				       65535 + 18, 65535 + 28, 65535 + 29 };
	size_t n = chance(w, 70) ? lens[below(w, ARRAY_SIZE(lens))] :
				   below(w, max);

	return n < max ? n : max;
}

static int op_read(struct worker *w)
{
	int fd = slot_fd(w, NULL);
	size_t len = len_pick(w, MAX_FRAME);
	struct iovec iov[4];
	unsigned int i, n;
	ssize_t ret;

	if (chance(w, 10))
		fcntl(fd, F_SETFL, chance(w, 50) ? O_NONBLOCK : 0);
	if (chance(w, 25)) {
		size_t off = 0, piece;

		n = 1 + below(w, 4);
		for (i = 0; i < n; i++) {
			piece = i == n - 1 ? len - off : below(w, len - off + 1);
			iov[i].iov_base = ptr_pick(w, w->rbuf + off, piece, 1);
			iov[i].iov_len = piece;
			off += piece;
		}
		ret = readv(fd, iov, n);
		logop(w, "readv fd %d %zu bytes in %u = %zd (%d)", fd, len, n,
		      ret, ret < 0 ? errno : 0);
		return ret > 0;
	}
	ret = read(fd, ptr_pick(w, w->rbuf, len, 1), len);
	logop(w, "read fd %d %zu = %zd (%d)", fd, len, ret,
	      ret < 0 ? errno : 0);
	return ret > 0;
}

/* A vnet header: sensible fields mostly, random ones often. */
static void vnet_hdr_fill(struct worker *w, struct virtio_net_hdr *h,
			  size_t l3, size_t l4, size_t len)
{
	static const unsigned char gso[] = {
		VIRTIO_NET_HDR_GSO_NONE, VIRTIO_NET_HDR_GSO_TCPV4,
		VIRTIO_NET_HDR_GSO_UDP, VIRTIO_NET_HDR_GSO_TCPV6,
		VIRTIO_NET_HDR_GSO_UDP_L4,
		VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN,
	};

	memset(h, 0, sizeof(*h));	/* no offload: always a valid header */
	if (chance(w, 35))
		return;
	if (chance(w, 15)) {
		fill_random(w, h, sizeof(*h));
		return;
	}
	h->flags = chance(w, 80) ? below(w, 4) : rnd(w);
	h->gso_type = chance(w, 85) ? gso[below(w, ARRAY_SIZE(gso))] : rnd(w);
	h->hdr_len = chance(w, 70) ? l4 + 20 : rnd(w);
	h->gso_size = chance(w, 70) ? 1 + below(w, 1500) : rnd(w);
	h->csum_start = chance(w, 70) ? l4 : chance(w, 50) ? l3 :
					    below(w, len + 16);
	h->csum_offset = chance(w, 40) ? 16 : chance(w, 50) ? 6 : rnd(w);
}

/* A frame: Ethernet, maybe a VLAN tag, IPv4 or IPv6, TCP or UDP; the
 * rest and often every byte random.  Returns where L3 and L4 start.
 */
static void frame_fill(struct worker *w, unsigned char *f, size_t len,
		       size_t *l3, size_t *l4)
{
	unsigned int v6 = below(w, 2), tcp = below(w, 2), off = 12;
	unsigned char *ip;

	fill_random(w, f, len);
	*l3 = 14;
	*l4 = 14 + (v6 ? 40 : 20);
	if (chance(w, 10) || len < 64)
		return;
	if (chance(w, 10)) {
		f[off++] = 0x81;
		f[off++] = 0x00;
		off += 2;
		*l3 += 4;
		*l4 += 4;
	}
	f[off] = v6 ? 0x86 : 0x08;
	f[off + 1] = v6 ? 0xdd : 0x00;
	ip = f + *l3;
	if (v6) {
		ip[0] = 0x60;
		ip[4] = (len - *l4) >> 8;
		ip[5] = len - *l4;
		ip[6] = tcp ? 6 : 17;
	} else {
		ip[0] = 0x45;
		ip[2] = (len - *l3) >> 8;
		ip[3] = len - *l3;
		ip[6] = 0x40;
		ip[9] = tcp ? 6 : 17;
	}
	if (tcp)
		f[*l4 + 12] = 5 << 4;
}

static int op_write(struct worker *w)
{
	size_t len, l3 = 0, l4 = 0, hdr;
	unsigned int slot;
	int fd = slot_fd(w, &slot);
	struct iovec iov[3];
	ssize_t ret;

	/* The header the file expects, mostly. */
	hdr = !!(__atomic_load_n(&slot_flags[slot], __ATOMIC_RELAXED) &
		 VNETMQ_F_VNET_HDR) ^ chance(w, 15) ?
	      sizeof(struct virtio_net_hdr) : 0;
	/* A frame the MTU takes, half of the time; any length else. */
	len = chance(w, 50) ? hdr + 60 + below(w, 1455) :
			      len_pick(w, MAX_FRAME);
	if (len > hdr)
		frame_fill(w, w->buf + hdr, len - hdr, &l3, &l4);
	if (hdr && len >= hdr)
		vnet_hdr_fill(w, (struct virtio_net_hdr *)w->buf, l3, l4,
			      len - hdr);
	else if (len)
		fill_random(w, w->buf, len < 16 ? len : 16);
	if (chance(w, 20) && len > 2) {
		size_t a = below(w, len), b = a + below(w, len - a);

		iov[0] = (struct iovec){ w->buf, a };
		iov[1] = (struct iovec){ ptr_pick(w, w->buf + a, b - a, 0),
					 b - a };
		iov[2] = (struct iovec){ w->buf + b, len - b };
		ret = writev(fd, iov, 3);
	} else {
		ret = write(fd, ptr_pick(w, w->buf, len, 0), len);
	}
	logop(w, "write fd %d %zu bytes (vnet hdr %zu) = %zd (%d)", fd, len,
	      hdr, ret, ret < 0 ? errno : 0);
	return ret > 0;
}

static int op_poll(struct worker *w)
{
	struct pollfd p[3];
	unsigned int i, n = 1 + below(w, 3);
	int ret;

	for (i = 0; i < n; i++) {
		p[i].fd = slot_fd(w, NULL);
		p[i].events = POLLIN | POLLOUT | (chance(w, 10) ? rnd(w) : 0);
	}
	ret = poll(p, n, below(w, 3) * 5);
	logop(w, "poll %u files = %d", n, ret);
	return ret > 0;
}

/* ---- the device's private ioctl ---- */

static int op_sioc(struct worker *w)
{
	int fd = chance(w, 70) || w->pkt < 0 ? w->inet : w->pkt;
	struct ifreq ifr;
	unsigned long cmd;
	void *arg = &ifr;
	int ret;

	memset(&ifr, 0, sizeof(ifr));
	if (chance(w, 20))
		fill_random(w, &ifr, sizeof(ifr));	/* the union too */
	if (chance(w, 90))
		snprintf(ifr.ifr_name, IFNAMSIZ, "%s", dev_pick(w));
	else
		fill_random(w, ifr.ifr_name, IFNAMSIZ);
	ifr.ifr_data = ptr_pick(w, w->buf, 64, 1);
	cmd = chance(w, 70) ?
	      fz_dev_ioctls[below(w, ARRAY_SIZE(fz_dev_ioctls))].cmd :
	      SIOCDEVPRIVATE + below(w, 16);
	if (chance(w, 10))
		arg = ptr_pick(w, &ifr, sizeof(ifr), 1);
	ret = ioctl(fd, cmd, arg);
	logop(w, "siocdevprivate fd %d %.16s cmd %#lx = %d (%d)", fd,
	      arg == &ifr ? ifr.ifr_name : "(bad ifreq)", cmd, ret,
	      ret < 0 ? errno : 0);
	return !ret;
}

/* ---- generic netlink ---- */

#define NLA_ALIGN_TO(n)	(((n) + 3) & ~3U)

static size_t nla_put(unsigned char *p, size_t room, unsigned short type,
		      const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)p;

	if (NLA_HDRLEN + NLA_ALIGN_TO(len) > room)
		return 0;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memmove(p + NLA_HDRLEN, data, len);
	memset(p + NLA_HDRLEN + len, 0, NLA_ALIGN_TO(len) - len);
	return NLA_HDRLEN + NLA_ALIGN_TO(len);
}

/* An integer attribute's value: in its range, at its edges, or any. */
static uint32_t value_pick(struct worker *w, const struct fz_attr *a)
{
	if (!strcmp(a->name, "ifindex") && chance(w, 80))
		return ifindex_pick(w);
	if (a->min > a->max)
		return chance(w, 70) ? below(w, 9) : (uint32_t)rnd(w);
	switch (below(w, 6)) {
	case 0:
		return a->min - 1;
	case 1:
		return a->max + 1;
	case 2:
		return rnd(w);
	default:
		return a->min + rnd(w) % (uint64_t)(a->max - a->min + 1);
	}
}

/* One attribute of OP's set, well-typed mostly; a stray one else. */
static size_t attr_put(struct worker *w, const struct fz_op *op,
		       unsigned char *p, size_t room)
{
	unsigned char data[1100];
	const struct fz_attr *a;
	size_t len = 4;
	uint32_t v;

	if (!op || chance(w, 15)) {
		len = below(w, 40);
		fill_random(w, data, len);
		if (chance(w, 40) && len >= NLA_HDRLEN)
			nla_put(data, len, below(w, 12), data + NLA_HDRLEN,
				len - NLA_HDRLEN);
		return nla_put(p, room, below(w, 16) |
			       (chance(w, 30) ? NLA_F_NESTED : 0), data, len);
	}
	/* Mostly what the request takes; a reply's attribute else. */
	if (op->n_req && chance(w, 85))
		a = &op->req[below(w, op->n_req)];
	else
		a = &op->attrs[below(w, op->n_attrs)];
	switch (a->type) {
	case FZ_FLAG:
		len = 0;
		break;
	case FZ_BINARY:
	case FZ_STRING:
		len = below(w, (a->max_len ? a->max_len : 64) + 17);
		fill_random(w, data, len);
		break;
	case FZ_U8:
	case FZ_U16:
	case FZ_U32:
		v = value_pick(w, a);
		len = a->type == FZ_U8 ? 1 : a->type == FZ_U16 ? 2 : 4;
		memcpy(data, &v, 4);
		break;
	default:
		len = 8;
		fill_random(w, data, len);
	}
	if (chance(w, 8))
		len = below(w, 12);	/* the wrong length for the type */
	return nla_put(p, room, a->id, data, len);
}

static int genl_family(int fd)
{
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
		unsigned char attrs[64];
	} req = { 0 };
	unsigned char reply[4096], *p;
	struct nlattr *a;
	ssize_t len;
	size_t off;

	req.n.nlmsg_type = GENL_ID_CTRL;
	req.n.nlmsg_flags = NLM_F_REQUEST;
	req.g.cmd = CTRL_CMD_GETFAMILY;
	req.g.version = 1;
	off = nla_put(req.attrs, sizeof(req.attrs), CTRL_ATTR_FAMILY_NAME,
		      FZ_FAMILY, sizeof(FZ_FAMILY));
	req.n.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + off;
	if (send(fd, &req, req.n.nlmsg_len, 0) < 0)
		return -1;
	len = recv(fd, reply, sizeof(reply), 0);
	if (len < (ssize_t)(NLMSG_HDRLEN + GENL_HDRLEN))
		return -1;
	if (((struct nlmsghdr *)reply)->nlmsg_type != GENL_ID_CTRL)
		return -1;
	for (p = reply + NLMSG_HDRLEN + GENL_HDRLEN; p + NLA_HDRLEN <= reply + len;
	     p += NLA_ALIGN_TO(a->nla_len)) {
		a = (struct nlattr *)p;
		if (a->nla_len < NLA_HDRLEN)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
			return *(uint16_t *)(p + NLA_HDRLEN);
	}
	return -1;
}

/* Read what the kernel answers, without waiting long for it; the
 * number of replies, *@ok of them a success (data, or error 0).
 */
static unsigned int genl_drain(struct worker *w, unsigned int *ok)
{
	struct pollfd p = { .fd = w->nl, .events = POLLIN };
	struct nlmsghdr *h = (struct nlmsghdr *)w->rbuf;
	struct nlmsgerr *e = NLMSG_DATA(h);
	unsigned int n = 0;
	ssize_t len;

	*ok = 0;
	while (n < 256 && poll(&p, 1, 20) == 1) {
		len = recv(w->nl, w->rbuf, 65536, MSG_DONTWAIT);
		if (len < (ssize_t)NLMSG_HDRLEN)
			break;
		n++;
		if (h->nlmsg_type != NLMSG_ERROR ||
		    (len >= (ssize_t)NLMSG_LENGTH(sizeof(*e)) && !e->error))
			(*ok)++;
	}
	return n;
}

static int op_genl(struct worker *w)
{
	unsigned char *msg = w->buf;
	struct nlmsghdr *n = (struct nlmsghdr *)msg;
	struct genlmsghdr *g = (struct genlmsghdr *)(msg + NLMSG_HDRLEN);
	const struct fz_op *op = NULL;
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN, room = 4096;
	unsigned int i, attrs = below(w, 7), n_ok, n_all;
	int dump;

	if (w->nl_family < 0)
		return 0;
	memset(msg, 0, off);
	if (chance(w, 85))
		op = &fz_ops[below(w, ARRAY_SIZE(fz_ops))];
	g->cmd = op ? op->cmd : below(w, 256);
	g->version = chance(w, 90) ? 1 : below(w, 256);
	dump = op ? op->has_dump && (!op->has_do || chance(w, 50)) :
		    chance(w, 30);
	n->nlmsg_type = chance(w, 97) ? (unsigned int)w->nl_family :
					 below(w, 0x20);
	n->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0);
	if (chance(w, 5))
		n->nlmsg_flags = rnd(w);
	n->nlmsg_seq = w->log->n;
	for (i = 0; i < attrs; i++)
		off += attr_put(w, op, msg + off, room - off);
	n->nlmsg_len = off;
	if (chance(w, 4))
		n->nlmsg_len = below(w, off + 8);
	send(w->nl, msg, off, 0);
	n_all = genl_drain(w, &n_ok);
	logop(w, "genl cmd %u%s flags %#x, %u attrs, %zu bytes: %u replies, %u ok",
	      g->cmd, op ? "" : " (not the spec's)", n->nlmsg_flags, attrs,
	      off, n_all, n_ok);
	return n_ok > 0;
}

/* ---- rtnetlink: pairs ---- */

static size_t nest_end(unsigned char *msg, size_t start, size_t off)
{
	((struct nlattr *)(msg + start))->nla_len = off - start;
	return off;
}

/*
 * One RTM_NEWLINK of kind vnetmq, for DEV with TX and RX queues and, if
 * given, a PEER in the netns NS_FD refers to (none if < 0); with FUZZ,
 * the peer's ifinfomsg and attributes are random, cut short, or stray.
 * Buffers of its own: the set-up calls it with no worker's.  The
 * kernel's answer: 0 or a negative errno (-EIO if none came).
 */
static int rtnl_newlink(struct worker *w, const char *dev, const char *peer,
			int ns_fd, unsigned int tx, unsigned int rx, int fuzz)
{
	size_t room = 4096, off = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	unsigned char msg[4096] __attribute__((aligned(4)));
	unsigned char ans[4096] __attribute__((aligned(4)));
	struct nlmsghdr *n = (struct nlmsghdr *)msg;
	struct ifinfomsg ifm = { 0 };
	size_t li, data, pi;
	unsigned int i, q;
	int fd, err = -EIO;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	memset(msg, 0, off);
	n->nlmsg_type = RTM_NEWLINK;
	n->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	off += nla_put(msg + off, room - off, IFLA_IFNAME, dev, strlen(dev) + 1);
	off += nla_put(msg + off, room - off, IFLA_NUM_TX_QUEUES, &tx, 4);
	off += nla_put(msg + off, room - off, IFLA_NUM_RX_QUEUES, &rx, 4);
	li = off;
	off += nla_put(msg + off, room - off, IFLA_LINKINFO | NLA_F_NESTED,
		       "", 0);
	off += nla_put(msg + off, room - off, IFLA_INFO_KIND, "vnetmq", 7);
	data = off;
	off += nla_put(msg + off, room - off, IFLA_INFO_DATA | NLA_F_NESTED,
		       "", 0);
	if (peer) {
		if (fuzz && chance(w, 30))
			fill_random(w, &ifm, sizeof(ifm));
		pi = off;
		off += nla_put(msg + off, room - off, IFLA_VNETMQ_PEER_INFO,
			       &ifm, fuzz && chance(w, 5) ?
			       below(w, sizeof(ifm)) : sizeof(ifm));
		off += nla_put(msg + off, room - off, IFLA_IFNAME, peer,
			       strlen(peer) + 1);
		q = 1 + (fuzz && chance(w, 10) ? (unsigned int)rnd(w) :
			 below(w, 8));
		off += nla_put(msg + off, room - off, IFLA_NUM_TX_QUEUES, &q, 4);
		q = 1 + below(w, 8);
		off += nla_put(msg + off, room - off, IFLA_NUM_RX_QUEUES, &q, 4);
		if (ns_fd >= 0)
			off += nla_put(msg + off, room - off, IFLA_NET_NS_FD,
				       &ns_fd, 4);
		for (i = fuzz ? below(w, 4) : 0; i; i--) {
			unsigned char junk[32];
			size_t len = below(w, sizeof(junk));

			fill_random(w, junk, len);
			off += nla_put(msg + off, room - off, below(w, 70), junk,
				       len);
		}
		nest_end(msg, pi, off);
	}
	nest_end(msg, data, off);
	nest_end(msg, li, off);
	n->nlmsg_len = off;
	if (send(fd, msg, off, 0) == (ssize_t)off) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct nlmsgerr *e = NLMSG_DATA((struct nlmsghdr *)ans);
		int ready;

		/* The watchdog's signal interrupts a wait, not the request. */
		do {
			ready = poll(&p, 1, 2000);
		} while (ready < 0 && errno == EINTR);
		if (ready == 1 && recv(fd, ans, sizeof(ans), 0) >=
		    (ssize_t)NLMSG_LENGTH(sizeof(*e)))
			err = e->error;
	}
	close(fd);
	return err;
}

/*
 * A pair of this worker's own names, maybe with its peer in the fuzz
 * netns, then gone again: deleted whatever the answer (none may have
 * come for a request that was done, or a pair may be left over).
 */
static int op_rtnl(struct worker *w)
{
	char path[64], dev[IFNAMSIZ], peer[IFNAMSIZ];
	int ns_fd, err;

	snprintf(path, sizeof(path), "/run/netns/%s", NS);
	snprintf(dev, sizeof(dev), "vnmqz%u.%u", w->proc, w->idx);
	snprintf(peer, sizeof(peer), "vnmqz%u.%up", w->proc, w->idx);
	ns_fd = chance(w, 50) ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	err = rtnl_newlink(w, dev, peer, ns_fd, 1 + below(w, 8),
			   1 + below(w, 8), 1);
	if (ns_fd >= 0)
		close(ns_fd);
	logop(w, "rtnl newlink pair %s%s: %d", dev, ns_fd >= 0 ?
	      " (peer in " NS ")" : "", err);
	runf(w, "ip link del %s", dev);
	return !err;
}

/* ---- frames through the stack ---- */

static int op_packet(struct worker *w)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	unsigned int i, n = 1 + below(w, 32);
	size_t len = 14 + below(w, 1500);
	const char *dev = dev_pick(w);
	int bypass = below(w, 2), sent = 0;

	/* Past the qdisc only to the device that is never deleted: af_packet
	 * divides by the real TX queue count, which unregistering a device
	 * sets to 0 while a sender may still hold it (a core bug, not
	 * vnetmq's: any device, a panic on SIGFPE).
	 */
	if (dev != STABLE_DEV)
		bypass = 0;
	sll.sll_ifindex = if_nametoindex(dev);
	sll.sll_protocol = htons(ETH_P_IP);
	sll.sll_halen = ETH_ALEN;
	setsockopt(w->pkt, SOL_PACKET, PACKET_QDISC_BYPASS, &bypass,
		   sizeof(bypass));
	for (i = 0; i < n; i++) {
		fill_random(w, w->buf, len);
		if (sendto(w->pkt, w->buf, len, MSG_DONTWAIT,
			   (struct sockaddr *)&sll, sizeof(sll)) > 0)
			sent++;
	}
	logop(w, "packet ifindex %d %u x %zu bytes (bypass %d): %d sent",
	      sll.sll_ifindex, n, len, bypass, sent);
	return sent > 0;
}

/* ---- the control plane, changing the devices under the workers ---- */

/*
 * DEV alone, or (not the stable one) as a pair whose other end, DEV with
 * a "p", is in the fuzz netns: deleting that netns then deletes DEV too.
 */
static void dev_create(struct worker *w, const char *dev)
{
	unsigned int tx = 1 + below(w, 8), rx = 1 + below(w, 8);
	char path[128], peer[IFNAMSIZ];
	int fd;

	if (dev != STABLE_DEV && chance(w, 40)) {
		snprintf(path, sizeof(path), "/run/netns/%s", NS);
		snprintf(peer, sizeof(peer), "%sp", dev);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || rtnl_newlink(w, dev, peer, fd, tx, rx, 0)) {
			if (fd >= 0)
				close(fd);
			return;
		}
		close(fd);
		runf(w, "ip -n %s link set dev %s up", NS, peer);
	} else if (runf(w, "ip link add %s numtxqueues %u numrxqueues %u type vnetmq",
			dev, tx, rx)) {
		return;
	}
	/* No IPv6 of its own: its MLD and DAD frames would only add noise. */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6",
		 dev);
	fd = open(path, O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			logop(w, "disable_ipv6 %s: %d", dev, errno);
		close(fd);
	}
	runf(w, "ip link set dev %s up", dev);
}

/* Steering through ethtool's command line: tables, contexts, rules. */
static int steer_cli(struct worker *w, const char *dev)
{
	static const char * const flows[] = {
		"tcp4", "udp4", "sctp4", "tcp6", "udp6", "ip4", "ip6",
	};
	static const char * const fields[] = { "sd", "sdfn", "s", "f", "n" };
	const char *flow = flows[below(w, ARRAY_SIZE(flows))];

	switch (below(w, 8)) {
	case 0:
		return runf(w, "ethtool -X %s equal %u", dev, below(w, 9));
	case 1:
		return runf(w, "ethtool -X %s weight %u %u %u %u", dev,
			    below(w, 3), below(w, 3), below(w, 3), below(w, 3));
	case 2:
		return runf(w, "ethtool -X %s context new start %u equal %u",
			    dev, below(w, 4), 1 + below(w, 4));
	case 3:
		return runf(w, "ethtool -X %s context %u delete", dev,
			    below(w, 40));
	case 4:
		return runf(w, "ethtool -N %s flow-type %s dst-port %u action %d loc %u",
			    dev, flow, below(w, 65536), (int)below(w, 6) - 1,
			    below(w, 70));
	case 5:
		return runf(w, "ethtool -N %s flow-type %s src-ip 10.0.0.%u context %u action %u",
			    dev, flow, below(w, 256), below(w, 40), below(w, 4));
	case 6:
		return runf(w, "ethtool -N %s rx-flow-hash %s %s", dev, flow,
			    fields[below(w, ARRAY_SIZE(fields))]);
	default:
		return runf(w, "ethtool -N %s delete %u", dev, below(w, 70));
	}
}

/*
 * Steering through SIOCETHTOOL with a random rule or hash-field request:
 * flow types, masks, ring cookies, locations and contexts that the
 * command line would not send.
 */
static int steer_ioctl(struct worker *w, const char *dev)
{
	static const __u32 cmds[] = {
		ETHTOOL_SRXCLSRLINS, ETHTOOL_SRXCLSRLDEL, ETHTOOL_GRXCLSRULE,
		ETHTOOL_GRXCLSRLALL, ETHTOOL_GRXCLSRLCNT, ETHTOOL_SRXFH,
		ETHTOOL_GRXFH, ETHTOOL_GRXRINGS,
	};
	struct {
		struct ethtool_rxnfc nfc;
		__u32 locs[128];
	} req;
	struct ifreq ifr;
	int ret;

	fill_random(w, &req, sizeof(req));
	req.nfc.cmd = cmds[below(w, ARRAY_SIZE(cmds))];
	if (chance(w, 70))
		req.nfc.fs.flow_type = below(w, 0x20) |
				       (chance(w, 30) ? FLOW_RSS : 0);
	if (chance(w, 70))
		req.nfc.fs.location = below(w, 70);
	if (chance(w, 60))
		req.nfc.fs.ring_cookie = chance(w, 20) ? RX_CLS_FLOW_DISC :
					 below(w, 6);
	if (chance(w, 70))
		req.nfc.rule_cnt = below(w, 128);
	if (chance(w, 70))
		req.nfc.rss_context = below(w, 40);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", dev);
	ifr.ifr_data = (void *)&req;
	ret = ioctl(w->inet, SIOCETHTOOL, &ifr);
	logop(w, "ethtool ioctl %s cmd %#x flow %#x loc %#x = %d (%d)", dev,
	      req.nfc.cmd, req.nfc.fs.flow_type, req.nfc.fs.location, ret,
	      ret < 0 ? errno : 0);
	return ret;
}

static int churn_one(struct worker *w)
{
	const char *dev = dev_pick(w);
	int rc = -1;

	switch (below(w, 17)) {
	case 14:
		rc = steer_cli(w, dev);
		break;
	case 15:
		rc = steer_ioctl(w, dev);
		break;
	case 16:
		rc = runf(w, "ethtool -K %s ntuple %s rxhash %s", dev,
			  below(w, 2) ? "on" : "off", below(w, 2) ? "on" : "off");
		break;
	case 0:
		rc = runf(w, "ip link set dev %s down", dev);
		break;
	case 1:
		rc = runf(w, "ip link set dev %s up", dev);
		break;
	case 2:
		rc = runf(w, "ethtool -L %s combined %u", dev, 1 + below(w, 8));
		break;
	case 3:
		rc = runf(w, "ethtool -L %s combined %u tx %u", dev, below(w, 5),
			  below(w, 5));
		break;
	case 4:
		rc = runf(w, "ethtool -G %s rx %u", dev, chance(w, 80) ?
			  1u << below(w, 14) : (unsigned int)rnd(w));
		break;
	case 5:
		rc = runf(w, "ethtool -C %s rx-usecs %u rx-frames %u", dev,
			  below(w, 3) ? below(w, 100) : (unsigned int)rnd(w),
			  below(w, 3) ? below(w, 64) : (unsigned int)rnd(w));
		break;
	case 6:
		/* rx: a pair's end reports checksums it made, or not;
		 * tx and tso: the stack's or the device's.
		 */
		rc = runf(w, "ethtool -K %s gro %s rx %s tx %s tso %s", dev,
			  below(w, 2) ? "on" : "off", below(w, 2) ? "on" : "off",
			  below(w, 2) ? "on" : "off", below(w, 2) ? "on" : "off");
		break;
	case 7:
		rc = runf(w, "tc qdisc add dev %s root handle 100: mqprio num_tc 2 map 0 0 0 0 1 1 1 1 0 0 0 0 0 0 0 0 queues %u@0 %u@%u hw 1 mode dcb",
			  dev, 1 + below(w, 2), 1 + below(w, 2), 1 + below(w, 3));
		break;
	case 8:
		rc = runf(w, "tc qdisc del dev %s root", dev);
		break;
	case 9:
		rc = runf(w, "ip link set dev %s mtu %u", dev, chance(w, 80) ?
			  68 + below(w, 9000) : (unsigned int)rnd(w));
		break;
	case 10:
		dev = devs[1 + below(w, ARRAY_SIZE(devs) - 1)];
		rc = runf(w, "ip link del %s", dev);
		dev_create(w, dev);
		break;
	case 11:
		dev = devs[1 + below(w, ARRAY_SIZE(devs) - 1)];
		rc = runf(w, "ip link set dev %s netns %s", dev, NS);
		break;
	case 12:
		rc = runf(w, "ip -n %s link set dev %s netns 1", NS, dev);
		break;
	case 13:
		rc = runf(w, "ip netns del %s", NS);
		rc = runf(w, "ip netns add %s", NS);
		break;
	}
	/* Whatever went (deleted, or with the netns): back, in a fresh shape. */
	if (!if_nametoindex(dev) && runf(w, "ip -n %s link show %s", NS, dev))
		dev_create(w, dev);
	return !rc;
}

/* ---- processes and threads ---- */

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	static int (* const ops[NR_OPS])(struct worker *w) = {
		[OP_OPEN] = op_open, [OP_CLOSE] = op_close,
		[OP_IOCTL] = op_ioctl, [OP_READ] = op_read,
		[OP_WRITE] = op_write, [OP_POLL] = op_poll,
		[OP_SIOC] = op_sioc, [OP_GENL] = op_genl,
		[OP_PACKET] = op_packet, [OP_RTNL] = op_rtnl,
	};
	unsigned int total = 0, i, r;
	unsigned long done = 0;
	int ok;

	for (i = 0; i < NR_OPS; i++)
		total += op_weight[i];
	uint64_t main_rng, op_rng;

	while (!stopping() && (!cfg.ops || done < cfg.ops)) {
		/* Two draws an operation from the thread's own sequence: which
		 * one, and the seed of the values it draws.  What it meets
		 * (files, devices) changes how many it draws, not the next
		 * operation's.
		 */
		r = below(w, total);
		op_rng = rnd(w);
		main_rng = w->rng;
		w->rng = op_rng;
		if (w->idx == cfg.threads) {
			i = OP_CHURN;
			ok = churn_one(w);
			usleep(10000 + below(w, 100000));
		} else {
			for (i = 0; r >= op_weight[i]; i++)
				r -= op_weight[i];
			ok = ops[i](w);
		}
		w->rng = main_rng;
		__atomic_add_fetch(&sh->ops[i], 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&sh->ok[i], ok, __ATOMIC_RELAXED);
		done++;
	}
	return NULL;
}

static void on_sigusr2(int sig)
{
	(void)sig;
}

/* The unprivileged process: everything but what needs CAP_NET_ADMIN. */
static void drop_privileges(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		die("drop privileges to %d: %s", NOBODY, strerror(errno));
}

static void worker_init(struct worker *w, unsigned int proc, unsigned int idx)
{
	struct timeval tv = { .tv_sec = 1 };

	w->proc = proc;
	w->idx = idx;
	w->rng = cfg.seed ^ ((uint64_t)(proc * (MAX_THREADS + 1) + idx + 1) <<
			     40);
	w->log = &sh->log[proc][idx];
	w->buf = malloc(MAX_FRAME);
	w->rbuf = malloc(MAX_FRAME);
	w->nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	w->inet = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	w->pkt = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (!w->buf || !w->rbuf || w->nl < 0 || w->inet < 0)
		die("worker %u.%u: set-up failed: %s", proc, idx,
		    strerror(errno));
	if (setsockopt(w->nl, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		die("SO_RCVTIMEO: %s", strerror(errno));
	w->nl_family = genl_family(w->nl);
	if (w->nl_family < 0)
		die("no generic netlink family \"%s\": is vnetmq built in or loaded?",
		    FZ_FAMILY);
}

/* Join the threads that ended; the number still running. */
static unsigned int reap(unsigned int n)
{
	unsigned int i, live = 0;

	for (i = 0; i < n; i++) {
		if (workers[i].tid &&
		    pthread_tryjoin_np(workers[i].tid, NULL) == 0)
			workers[i].tid = 0;
		live += !!workers[i].tid;
	}
	return live;
}

/*
 * The unprivileged process gets files root attached before it dropped
 * its privileges, as a server hands them to a sandboxed worker: it can
 * then reach the datapath, not only the permission checks.
 */
static void preattach(void)
{
	struct vnetmq_attach a = {
		.ifindex = if_nametoindex(STABLE_DEV),
		.queue = VNETMQ_QUEUE_ANY,
	};
	unsigned int i;

	for (i = 0; i < SLOTS / 2; i++) {
		slots[i] = open(cfg.node, O_RDWR | O_CLOEXEC);
		a.flags = (cfg.seed >> i) & 1 ? VNETMQ_F_VNET_HDR : 0;
		if (slots[i] >= 0 && !ioctl(slots[i], VNETMQ_ATTACH, &a))
			slot_flags[i] = a.flags;
		a.queue = VNETMQ_QUEUE_ANY;
	}
}

/* A worker process: THREADS threads (and the churn thread in the first),
 * a watchdog that interrupts their blocked calls now and then.
 */
static void proc_run(unsigned int proc)
{
	struct sigaction sa = { .sa_handler = on_sigusr2 };
	unsigned int i, n = cfg.threads + (proc == 0);
	uint64_t rng = cfg.seed + proc;

	sigaction(SIGUSR2, &sa, NULL);	/* no SA_RESTART: calls fail EINTR */
	for (i = 0; i < SLOTS; i++)
		slots[i] = -1;
	if (proc == 1) {
		preattach();
		drop_privileges();
	}
	/* Every socket before any thread runs: a slot's stale number can
	 * then never be one of them.
	 */
	for (i = 0; i < n; i++)
		worker_init(&workers[i], proc, i);
	for (i = 0; i < n; i++)
		if (pthread_create(&workers[i].tid, NULL, worker_run,
				   &workers[i]))
			die("pthread_create: %s", strerror(errno));
	while (!stopping() && reap(n)) {
		usleep(20000);
		rng = rng * 6364136223846793005ULL + 1;
		i = (rng >> 33) % n;
		if (workers[i].tid)
			pthread_kill(workers[i].tid, SIGUSR2);
	}
	/* Stopping: wake whatever still sleeps in the kernel. */
	while (reap(n)) {
		for (i = 0; i < n; i++)
			if (workers[i].tid)
				pthread_kill(workers[i].tid, SIGUSR2);
		usleep(10000);
	}
	exit(0);
}

/* What a kernel report starts with in the log (tools/scan-log.sh's list). */
static const char * const reports[] = {
	"WARNING:", "BUG:", "cut here", "UBSAN:", "ODEBUG:", "refcount_t:",
	"ref_tracker:", "unreferenced object", "suspected memory leak",
	"Kernel panic", "unregister_netdevice: waiting for",
	"blocked for more than", "detected stall", "asks to queue packet",
};

/* Read new /dev/kmsg records; 1 and the report's text if one is a report. */
static int kmsg_report(int fd)
{
	char rec[8192], *text;
	unsigned int i;
	ssize_t n;

	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;	/* overrun: records were lost */
		rec[n] = 0;
		text = strchr(rec, ';');
		text = text ? text + 1 : rec;
		for (i = 0; i < ARRAY_SIZE(reports); i++)
			if (strstr(text, reports[i])) {
				snprintf(sh->report, sizeof(sh->report), "%.200s",
					 text);
				return 1;
			}
	}
	return 0;
}

static void print_logs(void)
{
	unsigned int p, t, i;
	struct thread_log *l;

	for (p = 0; p < cfg.procs; p++)
		for (t = 0; t <= cfg.threads; t++) {
			l = &sh->log[p][t];
			if (!l->n)
				continue;
			printf("# process %u thread %u, last of %lu ops:\n", p,
			       t, l->n);
			for (i = l->n > LOG_OPS ? l->n - LOG_OPS : 0; i < l->n; i++)
				printf("#   %s\n", l->op[i % LOG_OPS]);
		}
}

static void print_counts(double secs)
{
	unsigned long total = 0;
	unsigned int i;

	printf("# ops (accepted):");
	for (i = 0; i < NR_OPS; i++) {
		printf(" %s %lu (%lu)", op_names[i], sh->ops[i], sh->ok[i]);
		total += sh->ops[i];
	}
	printf("\n# %lu ops in %.0f s: %.0f ops/s\n", total, secs,
	       secs > 0 ? total / secs : 0);
}

static void usage(void)
{
	die("usage: vnetmq_fuzz [--seed N | --replay N] [--seconds S] [--ops N] [--procs P (<= %d)] [--threads T (<= %d)]",
	    MAX_PROCS, MAX_THREADS);
}

static unsigned long num(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || !*s || *end)
		die("%s %s: want a number", what, s);
	return v;
}

static void parse(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "replay", required_argument, NULL, 's' },
		{ "seconds", required_argument, NULL, 't' },
		{ "ops", required_argument, NULL, 'o' },
		{ "procs", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 'T' },
		{ 0 },
	};
	int c, seeded = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			cfg.seed = num(optarg, "seed");
			seeded = 1;
			break;
		case 't':
			cfg.seconds = num(optarg, "--seconds");
			break;
		case 'o':
			cfg.ops = num(optarg, "--ops");
			break;
		case 'p':
			cfg.procs = num(optarg, "--procs");
			break;
		case 'T':
			cfg.threads = num(optarg, "--threads");
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !cfg.procs || cfg.procs > MAX_PROCS ||
	    !cfg.threads || cfg.threads > MAX_THREADS || !cfg.seconds)
		usage();
	if (!seeded) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		cfg.seed = (ts.tv_nsec ^ ts.tv_sec ^ getpid()) & 0xffffffff;
	}
	cfg.node = getenv("VNETMQ_NODE") ?: "/dev/vnetmq";
}

#define KMEMLEAK	"/sys/kernel/debug/kmemleak"
#define STOP_GRACE	30	/* seconds the workers get to end */

/* kmemleak's own control file: CMD, if the kernel has kmemleak. */
static void kmemleak(const char *cmd)
{
	int fd = open(KMEMLEAK, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, cmd, strlen(cmd)) < 0)
		printf("# %s: %s: %s\n", KMEMLEAK, cmd, strerror(errno));
	close(fd);
}

static void setup(void)
{
	struct worker w = { .rng = cfg.seed };
	unsigned int i;
	int memfd;

	page_size = (size_t)sysconf(_SC_PAGESIZE);
	page_none = mmap(NULL, page_size, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memfd = memfd_create("vnetmq_fuzz", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, page_size))
		die("memfd: %s", strerror(errno));
	page_ro = mmap(NULL, page_size, PROT_READ, MAP_SHARED, memfd, 0);
	page_rw_view = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
			    MAP_SHARED, memfd, 0);
	page_edge = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (page_none == MAP_FAILED || page_ro == MAP_FAILED ||
	    page_rw_view == MAP_FAILED ||
	    page_edge == MAP_FAILED || sh == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	if (mprotect(page_edge + page_size, page_size, PROT_NONE))
		die("mprotect: %s", strerror(errno));
	if (access(cfg.node, R_OK | W_OK))
		die("%s: %s (set VNETMQ_NODE to the vnetmq misc device's node)",
		    cfg.node, strerror(errno));
	kmemleak("clear");	/* what leaked before the run is not ours */
	runf(NULL, "ip netns del %s", NS);
	runf(NULL, "ip netns add %s", NS);
	for (i = 0; i < ARRAY_SIZE(devs); i++) {
		runf(NULL, "ip link del %s", devs[i]);
		w.log = &sh->log[0][0];
		dev_create(&w, devs[i]);
		if (!if_nametoindex(devs[i]))
			die("could not create %s: is vnetmq built in or loadable?",
			    devs[i]);
	}
	memset(sh->log, 0, sizeof(sh->log));
}

/* After the run: a leak is a report too; 1 if kmemleak lists one. */
static int kmemleak_report(void)
{
	char text[4096];
	ssize_t n;
	int fd;

	if (access(KMEMLEAK, W_OK))
		return 0;
	sleep(6);	/* kmemleak reports no object younger than 5 s */
	kmemleak("scan");
	fd = open(KMEMLEAK, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	text[n] = 0;
	snprintf(sh->report, sizeof(sh->report), "kmemleak: %.200s", text);
	printf("# kmemleak after the run:\n%s\n", text);
	return 1;
}

/* A worker process that ended with status ST: 1 (and why) if it failed. */
static int worker_died(unsigned int p, int st)
{
	if (WIFEXITED(st) && !WEXITSTATUS(st))
		return 0;
	snprintf(sh->report, sizeof(sh->report),
		 "worker process %u died (status %#x): the fuzzer's bug, or the kernel wrote where it must not",
		 p, st);
	return 1;
}

/* Stop, give the workers STOP_GRACE seconds, then kill what is left;
 * 1 if a worker died or had to be killed (sh->report says which).
 */
static int stop_workers(pid_t *pids, unsigned int live,
			const struct timespec *stop)
{
	struct timespec now;
	unsigned int p;
	int st, bad = 0;

	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELAXED);
	while (live) {
		usleep(100000);
		clock_gettime(CLOCK_MONOTONIC, &now);
		for (p = 0; p < cfg.procs; p++) {
			if (!pids[p])
				continue;
			if (now.tv_sec - stop->tv_sec > STOP_GRACE) {
				kill(pids[p], SIGKILL);
				snprintf(sh->report, sizeof(sh->report),
					 "worker process %u still in the kernel %d s after the stop",
					 p, STOP_GRACE);
				bad = 1;
			}
			if (waitpid(pids[p], &st, WNOHANG) <= 0)
				continue;
			pids[p] = 0;
			live--;
			bad |= worker_died(p, st);
		}
	}
	return bad;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	pid_t pids[MAX_PROCS];
	unsigned int p, live;
	int kmsg, st = 0, rc = 0;
	double secs;

	parse(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# vnetmq_fuzz: seed %lu, %u processes x %u threads, %u s%s (--replay %lu repeats it)\n",
	       cfg.seed, cfg.procs, cfg.threads, cfg.seconds,
	       cfg.ops ? ", ops bounded" : "", cfg.seed);
	setup();
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg < 0 || lseek(kmsg, 0, SEEK_END) < 0)
		die("/dev/kmsg: %s", strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (p = 0; p < cfg.procs; p++) {
		pids[p] = fork();
		if (pids[p] < 0)
			die("fork: %s", strerror(errno));
		if (!pids[p])
			proc_run(p);
	}
	/* Until the time is up, a report, or a worker ends (--ops). */
	for (live = cfg.procs; live;) {
		usleep(100000);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (kmsg_report(kmsg)) {
			rc = 1;
			break;
		}
		if (t1.tv_sec - t0.tv_sec >= cfg.seconds)
			break;
		for (p = 0; p < cfg.procs; p++)
			if (pids[p] && waitpid(pids[p], &st, WNOHANG) > 0) {
				pids[p] = 0;
				live--;
				rc |= worker_died(p, st);
			}
		if (rc)
			break;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (stop_workers(pids, live, &t1) && !rc)
		rc = 1;
	if (!rc && (kmsg_report(kmsg) || kmemleak_report()))
		rc = 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_counts(secs);
	if (rc) {
		printf("# what happened: %s%s", sh->report,
		       strchr(sh->report, '\n') ? "" : "\n");
		print_logs();
		printf("vnetmq_fuzz: seed %lu failed (above: what happened, then each thread's last operations); replay: make fuzz SEED=%lu\n",
		       cfg.seed, cfg.seed);
	} else {
		printf("# vnetmq_fuzz: seed %lu: no kernel report\n", cfg.seed);
	}
	return rc;
}
