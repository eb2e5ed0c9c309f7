// SPDX-License-Identifier: GPL-2.0
/*
 * vnetmq_qfile: what vnetmq_backend.sh does to vnetmq queue files
 * (/dev/vnetmq, or the node named by $VNETMQ_NODE) from C: attach them,
 * move frames through them, and check every answer the kernel gives
 * against <linux/vnetmq.h>.
 *
 * usage: vnetmq_qfile features
 *        vnetmq_qfile serve DEV K SECONDS count|echo|hold [PAUSE_MS]
 *        vnetmq_qfile lifetimes close|detach|detach-blocked|delete DEV
 *        vnetmq_qfile lifetimes netns NETNS_PATH DEV
 *        vnetmq_qfile badinput DEV
 *        vnetmq_qfile vnethdr DEV
 *        vnetmq_qfile vlan DEV VLAN_DEV VID
 *        vnetmq_qfile rxfull DEV
 *        vnetmq_qfile perm DEV [allowed]
 *        vnetmq_qfile write DEV COUNT [QUEUE]
 *        vnetmq_qfile race hup DEV ROUNDS
 *        vnetmq_qfile race reattach BIG SMALL ROUNDS
 *        vnetmq_qfile race pause DEV ROUNDS
 *
 * Every command prints "# ..." lines and exits 0, or says on stderr what
 * failed and exits 1.
 *
 * serve attaches K files to queue pairs 0..K-1 of DEV, one thread each,
 * and prints "# ready"; "count" reads frames until SECONDS are over and
 * no file had one for 2 s, "echo" also writes each back, "hold" reads
 * nothing and closes SECONDS after the first frame is queued.  PAUSE_MS:
 * sleep that long after the first frame read.  At the end it prints
 * "# queue Q read N" (and "# queue Q echoed N") for each queue.
 *
 * lifetimes delete|netns attach to queue 0, block a read and a poll,
 * print "# ready" and wait for SIGUSR1, which the script sends once it
 * has deleted the device (or its netns).
 *
 * write attaches a file to queue pair QUEUE (0) of DEV, writes COUNT 60-byte
 * frames to it and closes it: the shortest walk through a queue file's
 * life, which the rig's fault-injection sweep fails step by step.
 *
 * race runs one race a bounded number of ROUNDS (see cmd_race_*()).
 *
 * badinput, vnethdr and vlan expect every frame DEV transmits on TX
 * queue 0 (the script pins it with tc); rxfull expects RX queue 0 paused
 * (the debugfs knob rx0_paused), so that its ring fills.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <linux/vnetmq.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"

#define BUF_SIZE	131072		/* above any frame and vnet header */
#define FRAME_MAX	(65535 + 18)	/* the longest frame a write takes */
#define ETH_P_VNETMQ	0x88B5		/* IEEE 802 local experimental */
#define VHDR		sizeof(struct virtio_net_hdr)
#define MAP_LEN		4096		/* what page_map() maps */
#define IDLE_MS		2000
#define GSO_PAYLOAD	3000
#define GSO_SIZE	1400
#define TCP_START	(ETH_HLEN + sizeof(struct iphdr))

/* The source of every frame this program makes: locally administered. */
static const unsigned char src_mac[ETH_ALEN] = { 2, 0, 0, 0x76, 0x6e, 0x71 };
static unsigned char buf[BUF_SIZE], rbuf[BUF_SIZE];

static void __noreturn __printf(1, 2) fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("vnetmq_qfile: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(KSFT_FAIL);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* A system call's result as one number: its value, or -errno. */
static long res(long ret)
{
	return ret < 0 ? -errno : ret;
}

static const char *res_str(long r, char *s, size_t size)
{
	const char *name = r < 0 ? strerrorname_np(-r) : NULL;

	if (name)
		snprintf(s, size, "-1 %s", name);
	else if (r < 0)
		snprintf(s, size, "-1 errno %ld", -r);
	else
		snprintf(s, size, "%ld", r);
	return s;
}

/* expect(R, WANT, WHAT...): R, a res(), must be WANT (a value, or -E...). */
static void __printf(3, 4) expect(long r, long want, const char *fmt, ...)
{
	char what[160], got[32], exp[32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (r != want)
		fail("%s: got %s, want %s", what, res_str(r, got, sizeof(got)),
		     res_str(want, exp, sizeof(exp)));
	ksft_print_msg("%s: %s\n", what, res_str(r, got, sizeof(got)));
}

static unsigned long num(const char *s, const char *what)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || !*s || *end)
		fail("%s: not a number: '%s'", what, s);
	return v;
}

static int qopen(void)
{
	const char *node = getenv("VNETMQ_NODE");
	int fd;

	if (!node || !*node)
		node = "/dev/vnetmq";
	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		fail("open %s: %s", node, strerror(errno));
	return fd;
}

static long qattach(int fd, unsigned int ifindex, __u32 queue, __u32 flags,
		    __u32 *got)
{
	struct vnetmq_attach a = { ifindex, queue, flags, 0 };
	long r = res(ioctl(fd, VNETMQ_ATTACH, &a));

	if (!r && got)
		*got = a.queue;
	return r;
}

static long qdetach(int fd)
{
	return res(ioctl(fd, VNETMQ_DETACH));
}

static long qget(int fd, struct vnetmq_attach *a)
{
	return res(ioctl(fd, VNETMQ_GET, a));
}

static long qfeatures(int fd, __u32 *f)
{
	return res(ioctl(fd, VNETMQ_GET_FEATURES, f));
}

static void check_get(int fd, unsigned int ifindex, __u32 queue, __u32 flags)
{
	struct vnetmq_attach a;

	expect(qget(fd, &a), 0, "GET");
	if (a.ifindex != ifindex || a.queue != queue || a.flags != flags)
		fail("GET: ifindex %u queue %u flags %#x, want %u %u %#x",
		     a.ifindex, a.queue, a.flags, ifindex, queue, flags);
}

/* The poll bits WANT must be set in REVENTS (a poll()'s, or -errno). */
static void check_revents(long revents, long want, const char *what)
{
	if (revents < 0 || (revents & want) != want)
		fail("%s: revents %#lx, want %#lx set", what, revents, want);
	ksft_print_msg("%s: revents %#lx\n", what, revents);
}

static long revents_now(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

	return poll(&p, 1, 0) < 0 ? -errno : p.revents;
}

static void check_epoll(int fd, unsigned int want, const char *what)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT };
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
		fail("%s: epoll: %s", what, strerror(errno));
	if (epoll_wait(ep, &ev, 1, 0) != 1 || (ev.events & want) != want)
		fail("%s: epoll events %#x, want %#x set", what, ev.events,
		     want);
	ksft_print_msg("%s: epoll events %#x\n", what, ev.events);
	close(ep);
}

/* Wait up to MS ms for FD to be readable. */
static void await_frame(int fd, int ms, const char *what)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) != 1 || !(p.revents & POLLIN))
		fail("%s: no frame within %d ms (revents %#x)", what, ms,
		     p.revents);
}

static unsigned int ifindex_of(const char *dev)
{
	unsigned int i = if_nametoindex(dev);

	if (!i)
		fail("no device %s: %s", dev, strerror(errno));
	return i;
}

static long sysfs_num(const char *dev, const char *file)
{
	char path[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", dev, file);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%ld", &v) != 1)
		fail("read %s: %s", path, strerror(errno));
	fclose(f);
	return v;
}

/* Wait up to MS ms for DEV's statistics/NAME to be WANT; its value. */
static long await_stat(const char *dev, const char *name, long want, int ms)
{
	char file[64];
	long end = now_ms() + ms, v;

	snprintf(file, sizeof(file), "statistics/%s", name);
	while ((v = sysfs_num(dev, file)) != want && now_ms() < end)
		sleep_ms(10);
	return v;
}

static void mac_of(const char *dev, unsigned char *mac)
{
	char path[256];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/sys/class/net/%s/address", dev);
	f = fopen(path, "r");
	n = f ? fscanf(f, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
		       &mac[2], &mac[3], &mac[4], &mac[5]) : 0;
	if (n != ETH_ALEN)
		fail("read %s: %s", path, f ? "bad format" : strerror(errno));
	fclose(f);
}

/* The queue pairs files can attach to: min(TX, RX) real queue counts. */
static unsigned int queue_pairs(const char *dev)
{
	unsigned int tx = 0, rx = 0;
	struct dirent *e;
	char path[256];
	DIR *d;

	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", dev);
	d = opendir(path);
	if (!d)
		fail("open %s: %s", path, strerror(errno));
	while ((e = readdir(d))) {
		tx += !strncmp(e->d_name, "tx-", 3);
		rx += !strncmp(e->d_name, "rx-", 3);
	}
	closedir(d);
	return tx < rx ? tx : rx;
}

static void set_link(const char *dev, int up)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr))
		fail("%s: SIOCGIFFLAGS: %s", dev, strerror(errno));
	ifr.ifr_flags = up ? ifr.ifr_flags | IFF_UP : ifr.ifr_flags & ~IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr))
		fail("%s: SIOCSIFFLAGS: %s", dev, strerror(errno));
	close(s);
}

/* F: a frame of LEN bytes to DST, of EtherType ETH_P_VNETMQ, marked SEQ. */
static void fill_frame(unsigned char *f, size_t len, const unsigned char *dst,
		       unsigned int seq)
{
	size_t i;

	for (i = 0; i < len; i++)
		f[i] = (unsigned char)(seq + i);
	if (len < ETH_HLEN)
		return;
	memcpy(f, dst, ETH_ALEN);
	memcpy(f + ETH_ALEN, src_mac, ETH_ALEN);
	f[12] = ETH_P_VNETMQ >> 8;
	f[13] = ETH_P_VNETMQ & 0xff;
}

/*
 * A packet socket on IFINDEX for frames of EtherType PROTO (ETH_P_ALL:
 * every frame); VNET: PACKET_VNET_HDR.  With a clsact qdisc on the device
 * (the script pins TX queues with one), the core hands ETH_P_ALL sockets a
 * frame before its ingress hook and afterwards counts a frame that no
 * protocol took in rx_dropped: tests of rx_dropped bind to their EtherType.
 */
static int pkt_open(unsigned int ifindex, unsigned short proto, int vnet)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(proto),
		.sll_ifindex = ifindex,
	};
	int s, one = 1, size = 4 << 20;

	s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(proto));
	if (s < 0 ||
	    (vnet && setsockopt(s, SOL_PACKET, PACKET_VNET_HDR, &one,
				sizeof(one))) ||
	    bind(s, (struct sockaddr *)&sll, sizeof(sll)))
		fail("packet socket: %s", strerror(errno));
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return s;
}

static long pkt_send(int s, unsigned int ifindex, unsigned short proto,
		     const void *frame, size_t len)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(proto),
		.sll_ifindex = ifindex,
	};

	return res(sendto(s, frame, len, 0, (struct sockaddr *)&sll,
			  sizeof(sll)));
}

/*
 * The length of the next frame S received (not sent) from src_mac, OFF
 * bytes into what it read, within MS ms; 0 if none came.
 */
static long pkt_recv(int s, unsigned char *f, size_t off, int ms)
{
	struct pollfd p = { .fd = s, .events = POLLIN };
	long end = now_ms() + ms, n, left;
	struct sockaddr_ll sll;
	socklen_t sl;

	while ((left = end - now_ms()) > 0) {
		if (poll(&p, 1, left) <= 0)
			continue;
		sl = sizeof(sll);
		n = recvfrom(s, f, BUF_SIZE, MSG_DONTWAIT | MSG_TRUNC,
			     (struct sockaddr *)&sll, &sl);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n < 0 || n > BUF_SIZE)
			fail("packet socket: %ld %s", n, strerror(errno));
		if (sll.sll_pkttype != PACKET_OUTGOING &&
		    (size_t)n >= off + ETH_HLEN &&
		    !memcmp(f + off + ETH_ALEN, src_mac, ETH_ALEN))
			return n;
	}
	return 0;
}

static int cmd_features(void)
{
	__u32 f = 0;

	expect(qfeatures(qopen(), &f), 0, "GET_FEATURES on a new file");
	ksft_print_msg("features %#x%s\n", f,
		       f & VNETMQ_F_VNET_HDR ? " (vnet_hdr)" : "");
	if (!(f & VNETMQ_F_VNET_HDR))
		fail("VNETMQ_F_VNET_HDR is not among the features %#x", f);
	return 0;
}

/* serve: one thread per file, reading (and echoing) until idle. */
enum { SERVE_COUNT, SERVE_ECHO, SERVE_HOLD };

static struct {
	int mode;
	long start, ms, pause_ms;
	long last;	/* when any thread last read a frame */
} srv;

struct server {
	pthread_t tid;
	int fd;
	unsigned long nread, echoed;
	const char *failed;
	int err;
};

static void serve_fail(struct server *s, const char *what, int err)
{
	s->failed = what;
	s->err = err;
}

/* Read nothing: hold the file SECONDS after its first frame is queued. */
static void hold(struct server *s)
{
	struct pollfd p = { .fd = s->fd, .events = POLLIN };

	if (poll(&p, 1, 10000) < 0)
		serve_fail(s, "poll", errno);
	sleep_ms(srv.ms);
}

/* Read until SECONDS are over and no file had a frame for IDLE_MS. */
static void serve(struct server *s, unsigned char *f)
{
	struct pollfd p = { .fd = s->fd, .events = POLLIN };
	int paused = !srv.pause_ms;
	long n, w, now, last;

	for (;;) {
		now = now_ms();
		last = __atomic_load_n(&srv.last, __ATOMIC_RELAXED);
		if (now - srv.start >= srv.ms && now - last >= IDLE_MS)
			return;
		n = poll(&p, 1, 100);
		if (n <= 0 && (!n || errno == EINTR))
			continue;
		if (n < 0 || (p.revents & (POLLERR | POLLHUP)))
			return serve_fail(s, "poll", n < 0 ? errno : EBADFD);
		n = read(s->fd, f, BUF_SIZE);
		if (n < 0)
			return serve_fail(s, "read", errno);
		s->nread++;
		__atomic_store_n(&srv.last, now_ms(), __ATOMIC_RELAXED);
		if (!paused) {
			paused = 1;
			sleep_ms(srv.pause_ms);
		}
		if (srv.mode != SERVE_ECHO)
			continue;
		w = write(s->fd, f, n);
		if (w != n)
			return serve_fail(s, "echo write", w < 0 ? errno : EIO);
		s->echoed++;
	}
}

static void *serve_run(void *arg)
{
	unsigned char *f = malloc(BUF_SIZE);
	struct server *s = arg;

	if (!f)
		serve_fail(s, "malloc", ENOMEM);
	else if (srv.mode == SERVE_HOLD)
		hold(s);
	else
		serve(s, f);
	free(f);
	return NULL;
}

static int cmd_serve(int argc, char **argv)
{
	static const char * const modes[] = { "count", "echo", "hold" };
	unsigned int ifindex = ifindex_of(argv[2]), q, k;
	struct server *s;
	__u32 got = 0;

	k = num(argv[3], "K");
	if (!k || k > queue_pairs(argv[2]))
		fail("K %u: %s has %u queue pairs", k, argv[2],
		     queue_pairs(argv[2]));
	srv.ms = (long)(strtod(argv[4], NULL) * 1000);
	for (srv.mode = 0; srv.mode < 3; srv.mode++)
		if (!strcmp(argv[5], modes[srv.mode]))
			break;
	if (srv.mode == 3)
		fail("mode '%s': want count, echo or hold", argv[5]);
	srv.pause_ms = argc > 6 ? (long)num(argv[6], "PAUSE_MS") : 0;
	s = calloc(k, sizeof(*s));
	if (!s)
		fail("calloc: %s", strerror(errno));
	for (q = 0; q < k; q++) {
		s[q].fd = qopen();
		expect(qattach(s[q].fd, ifindex, q, 0, &got), 0,
		       "ATTACH to %s queue %u", argv[2], q);
		if (got != q)
			fail("ATTACH to queue %u wrote back %u", q, got);
	}
	ksft_print_msg("ready\n");
	srv.start = now_ms();
	srv.last = srv.start;
	for (q = 0; q < k; q++) {
		errno = pthread_create(&s[q].tid, NULL, serve_run, &s[q]);
		if (errno)
			fail("pthread_create: %s", strerror(errno));
	}
	for (q = 0; q < k; q++) {
		pthread_join(s[q].tid, NULL);
		ksft_print_msg("queue %u read %lu\n", q, s[q].nread);
		if (srv.mode == SERVE_ECHO)
			ksft_print_msg("queue %u echoed %lu\n", q, s[q].echoed);
	}
	for (q = 0; q < k; q++)
		if (s[q].failed)
			fail("queue %u: %s: %s", q, s[q].failed,
			     strerror(s[q].err));
	return 0;
}

/* Calls blocked on a file, woken by what happens to it. */
enum { B_READ, B_POLL, B_WRITE };
static const char * const b_name[] = { "read", "poll", "write" };

struct blocked {
	pthread_t tid;
	int kind, fd, done;
	long ret;	/* read's or write's res(), or poll's revents */
};

static void *blocked_run(void *arg)
{
	struct blocked *b = arg;
	struct pollfd p = { .fd = b->fd, .events = POLLIN };

	if (b->kind == B_POLL)
		b->ret = poll(&p, 1, 60000) < 0 ? -errno : p.revents;
	else if (b->kind == B_WRITE)
		b->ret = res(write(b->fd, buf, 60));
	else
		b->ret = res(read(b->fd, rbuf, BUF_SIZE));
	__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Start the N calls of B on FD; check that they block. */
static void block_on(struct blocked *b, int n, int fd)
{
	int i;

	for (i = 0; i < n; i++) {
		b[i].fd = fd;
		b[i].done = 0;
		errno = pthread_create(&b[i].tid, NULL, blocked_run, &b[i]);
		if (errno)
			fail("pthread_create: %s", strerror(errno));
	}
	sleep_ms(100);
	for (i = 0; i < n; i++)
		if (__atomic_load_n(&b[i].done, __ATOMIC_ACQUIRE)) {
			struct vnetmq_attach a;
			long get = qget(fd, &a), ev = revents_now(fd);

			/* POLLHUP: the device went; POLLERR alone: detached. */
			fail("%s woke early: %ld, GET %ld, revents %#lx",
			     b_name[b[i].kind], b[i].ret, get, ev);
		}
}

/* The N calls of B must all return within MS ms of WHAT. */
static void await_wake(struct blocked *b, int n, long ms, const char *what)
{
	long start = now_ms();
	int i;

	for (i = 0; i < n; i++) {
		while (!__atomic_load_n(&b[i].done, __ATOMIC_ACQUIRE)) {
			if (now_ms() - start > ms)
				fail("the blocked %s slept on %ld ms after %s",
				     b_name[b[i].kind], ms, what);
			sleep_ms(5);
		}
		pthread_join(b[i].tid, NULL);
	}
	ksft_print_msg("the blocked calls woke %ld ms after %s\n",
		       now_ms() - start, what);
}

/* A read and a poll, woken by WHAT: EBADFD, and poll bits WANT. */
static void await_read_poll(struct blocked *b, long ms, long want,
			    const char *what)
{
	await_wake(b, 2, ms, what);
	expect(b[0].ret, -EBADFD, "the read blocked before %s", what);
	check_revents(b[1].ret, want, "the poll blocked before it");
}

static void await_sigusr1(void)
{
	struct timespec t = { 60, 0 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigtimedwait(&set, NULL, &t) != SIGUSR1)
		fail("no SIGUSR1 from the script within 60 s");
}

/* After its device went: EBADFD for all but GET_FEATURES and close. */
static void check_dead(int fd, unsigned int ifindex)
{
	struct vnetmq_attach a;
	__u32 f;

	fill_frame(buf, 60, src_mac, 0);
	expect(res(read(fd, rbuf, BUF_SIZE)), -EBADFD, "read, device gone");
	expect(res(write(fd, buf, 60)), -EBADFD, "write, device gone");
	expect(qattach(fd, ifindex, 0, 0, NULL), -EBADFD,
	       "ATTACH, device gone");
	expect(qdetach(fd), -EBADFD, "DETACH, device gone");
	expect(qget(fd, &a), -EBADFD, "GET, device gone");
	expect(qfeatures(fd, &f), 0, "GET_FEATURES, device gone");
	check_revents(revents_now(fd), POLLERR | POLLHUP, "poll, device gone");
	check_epoll(fd, EPOLLERR | EPOLLHUP, "epoll, device gone");
	expect(res(close(fd)), 0, "close, device gone");
}

/* The script deletes the device (or its netns, NETNS) and signals us. */
static void lifetime_gone(const char *netns, const char *dev)
{
	const char *what = netns ? "the netns deletion" : "the device deletion";
	unsigned int ifindex;
	struct blocked b[2] = { { .kind = B_READ }, { .kind = B_POLL } };
	int fd = qopen(), self = -1, ns;

	/* Only the ATTACH in the netns: it finds DEV by ifindex there. */
	if (netns) {
		self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		ns = open(netns, O_RDONLY | O_CLOEXEC);
		if (self < 0 || ns < 0 || setns(ns, CLONE_NEWNET))
			fail("enter netns %s: %s", netns, strerror(errno));
		close(ns);
	}
	ifindex = ifindex_of(dev);
	expect(qattach(fd, ifindex, 0, 0, NULL), 0, "ATTACH to %s queue 0",
	       dev);
	/* Out of the netns again, so that nothing of ours keeps it alive. */
	if (netns && (setns(self, CLONE_NEWNET) || close(self)))
		fail("leave netns %s: %s", netns, strerror(errno));
	block_on(b, 2, fd);
	ksft_print_msg("ready\n");
	await_sigusr1();
	/* A netns goes away in a workqueue, some time after ip netns del. */
	await_read_poll(b, netns ? 20000 : 1000, POLLERR | POLLHUP, what);
	check_dead(fd, ifindex);
}

static void lifetime_close(unsigned int ifindex)
{
	int a = qopen(), b = qopen();

	expect(qattach(a, ifindex, 0, 0, NULL), 0, "ATTACH to queue 0");
	expect(res(close(a)), 0, "close while attached");
	expect(qattach(b, ifindex, 0, 0, NULL), 0,
	       "ATTACH another file to queue 0 after the close");
	expect(res(close(b)), 0, "close that one too");
}

static void lifetime_detach(unsigned int ifindex)
{
	int a = qopen(), b = qopen();
	struct vnetmq_attach at;

	expect(qattach(a, ifindex, 0, 0, NULL), 0, "ATTACH to queue 0");
	expect(qdetach(a), 0, "DETACH");
	expect(qdetach(a), 0, "DETACH again");
	expect(qget(a, &at), -EBADFD, "GET, detached");
	expect(res(read(a, rbuf, BUF_SIZE)), -EBADFD, "read, detached");
	fill_frame(buf, 60, src_mac, 0);
	expect(res(write(a, buf, 60)), -EBADFD, "write, detached");
	check_revents(revents_now(a), POLLERR, "poll, detached");
	expect(qattach(a, ifindex, 0, 0, NULL), 0, "ATTACH to queue 0 again");
	expect(qdetach(a), 0, "DETACH");
	expect(qattach(a, ifindex, 1, 0, NULL), 0, "ATTACH to queue 1 now");
	expect(qattach(a, ifindex, 1, 0, NULL), 0, "ATTACH to queue 1 again");
	check_get(a, ifindex, 1, 0);
	expect(qattach(b, ifindex, 0, 0, NULL), 0,
	       "ATTACH another file to the freed queue 0");
	expect(qattach(a, ifindex, 0, 0, NULL), -EBUSY,
	       "ATTACH the first to queue 0, taken, while serving 1");
}

static void lifetime_detach_blocked(unsigned int ifindex)
{
	struct blocked b[2] = { { .kind = B_READ }, { .kind = B_POLL } };
	int a = qopen();

	expect(qattach(a, ifindex, 0, 0, NULL), 0, "ATTACH to queue 0");
	block_on(b, 2, a);
	expect(qdetach(a), 0, "DETACH with a read and a poll blocked");
	await_read_poll(b, 1000, POLLERR, "the DETACH");
	expect(qattach(a, ifindex, 0, 0, NULL), 0, "ATTACH again");
}

static int cmd_lifetimes(int argc, char **argv)
{
	const char *order = argv[2], *dev = argv[argc - 1];

	if (!strcmp(order, "netns") && argc == 5)
		lifetime_gone(argv[3], dev);
	else if (argc != 4)
		fail("lifetimes %s: wrong arguments", order);
	else if (!strcmp(order, "delete"))
		lifetime_gone(NULL, dev);
	else if (!strcmp(order, "close"))
		lifetime_close(ifindex_of(dev));
	else if (!strcmp(order, "detach"))
		lifetime_detach(ifindex_of(dev));
	else if (!strcmp(order, "detach-blocked"))
		lifetime_detach_blocked(ifindex_of(dev));
	else
		fail("no lifetime order '%s'", order);
	return 0;
}

/* A page of fresh anonymous memory: the tests' bad or read-only pointers. */
static void *page_map(int prot)
{
	void *p = mmap(NULL, MAP_LEN, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		fail("mmap: %s", strerror(errno));
	return p;
}

/*
 * An ATTACH whose answer cannot be written back (its argument in
 * read-only memory) fails, and leaves the file as it was: unattached,
 * or, if it was attached already as asked, still attached.
 */
static void check_attach_readonly(int fd, unsigned int ifindex)
{
	struct vnetmq_attach *ro = page_map(PROT_READ | PROT_WRITE), a;

	*ro = (struct vnetmq_attach){ ifindex, 0, 0, 0 };
	if (mprotect(ro, MAP_LEN, PROT_READ))
		fail("mprotect: %s", strerror(errno));
	expect(res(ioctl(fd, VNETMQ_ATTACH, ro)), -EFAULT,
	       "ATTACH from read-only memory");
	expect(qget(fd, &a), -EBADFD, "GET after that ATTACH");
	expect(qattach(fd, ifindex, 0, 0, NULL), 0, "ATTACH to queue 0");
	expect(res(ioctl(fd, VNETMQ_ATTACH, ro)), -EFAULT,
	       "the same ATTACH again, from read-only memory");
	check_get(fd, ifindex, 0, 0);
	expect(qdetach(fd), 0, "DETACH");
	munmap(ro, MAP_LEN);
}

/* badinput: a file that never was attached, and bad ATTACH arguments. */
static void check_unattached(unsigned int ifindex, unsigned int pairs)
{
	struct vnetmq_attach a;
	int fd = qopen();
	__u32 f;

	expect(res(read(fd, rbuf, BUF_SIZE)), -EBADFD, "read, never attached");
	fill_frame(buf, 60, src_mac, 0);
	expect(res(write(fd, buf, 60)), -EBADFD, "write, never attached");
	expect(qget(fd, &a), -EBADFD, "GET, never attached");
	expect(qdetach(fd), 0, "DETACH, never attached");
	check_revents(revents_now(fd), POLLERR, "poll, never attached");
	expect(qfeatures(fd, &f), 0, "GET_FEATURES, never attached");
	expect(qfeatures(fd, NULL), -EFAULT,
	       "GET_FEATURES to NULL");
	expect(res(ioctl(fd, VNETMQ_ATTACH, NULL)), -EFAULT,
	       "ATTACH from NULL");
	check_attach_readonly(fd, ifindex);
	a = (struct vnetmq_attach){ ifindex, 0, 0, 1 };
	expect(res(ioctl(fd, VNETMQ_ATTACH, &a)), -EINVAL,
	       "ATTACH with reserved 1");
	expect(qattach(fd, ifindex, 0, 1U << 31, NULL), -EINVAL,
	       "ATTACH with unknown flag 1 << 31");
	expect(qattach(fd, ifindex, pairs, 0, NULL), -EINVAL,
	       "ATTACH to queue %u of %u", pairs, pairs);
	expect(qattach(fd, ifindex, VNETMQ_QUEUE_ANY - 1, 0, NULL), -EINVAL,
	       "ATTACH to queue %#x", VNETMQ_QUEUE_ANY - 1);
	expect(qattach(fd, if_nametoindex("lo"), 0, 0, NULL), -ENODEV,
	       "ATTACH to lo");
	expect(qattach(fd, 0x7fffffff, 0, 0, NULL), -ENODEV,
	       "ATTACH to ifindex 0x7fffffff");
	expect(res(ioctl(fd, _IO(VNETMQ_IOC_MAGIC, 0x7f))), -ENOTTY,
	       "unknown ioctl");
	expect(res(ioctl(fd, _IOR(VNETMQ_IOC_MAGIC, 2, __u64), rbuf)), -ENOTTY,
	       "GET with the wrong size");
	close(fd);
}

/* A holds queue 0: a second ATTACH, EBUSY, QUEUE_ANY, ENOSPC. */
static void check_sharing(int a, unsigned int ifindex, unsigned int pairs)
{
	int *f = calloc(pairs + 1, sizeof(*f));
	unsigned int q;
	__u32 got = 0;

	if (!f)
		fail("calloc: %s", strerror(errno));
	expect(qattach(a, ifindex, 0, 0, NULL), 0, "ATTACH to queue 0 again");
	expect(qattach(a, ifindex, 1, 0, NULL), -EBUSY,
	       "ATTACH to queue 1 while serving queue 0");
	expect(res(ioctl(a, VNETMQ_GET, NULL)), -EFAULT, "GET to NULL");
	for (q = 1; q <= pairs; q++) {
		f[q] = qopen();
		expect(qattach(f[q], ifindex, 0, 0, NULL), -EBUSY,
		       "ATTACH another file to queue 0");
		if (q == pairs)
			break;
		expect(qattach(f[q], ifindex, VNETMQ_QUEUE_ANY, 0, &got), 0,
		       "ATTACH another file to any queue");
		if (got != q)
			fail("QUEUE_ANY chose queue %u, want %u", got, q);
	}
	expect(qattach(f[pairs], ifindex, VNETMQ_QUEUE_ANY, 0, NULL), -ENOSPC,
	       "ATTACH to any queue, all %u taken", pairs);
	for (q = 1; q <= pairs; q++)
		close(f[q]);
	f[1] = qopen();
	expect(qattach(f[1], ifindex, VNETMQ_QUEUE_ANY, 0, &got), 0,
	       "ATTACH to any queue after the others closed");
	if (got != 1)
		fail("QUEUE_ANY chose queue %u, want 1", got);
	close(f[1]);
	free(f);
}

/* Writes of each length: refused, delivered, or dropped and counted. */
static void check_writes(int a, int tap, const char *dev,
			 const unsigned char *mac)
{
	enum { REFUSED, DELIVERED, DROPPED };
	long mtu = sysfs_num(dev, "mtu"), drops, pkts, n, want;
	const struct { long len, err; int fate; } c[] = {
		{ 0, -EINVAL, REFUSED },
		{ 1, -EINVAL, REFUSED },
		{ ETH_HLEN - 1, -EINVAL, REFUSED },
		{ ETH_HLEN, 0, DELIVERED },
		{ mtu + ETH_HLEN, 0, DELIVERED },
		{ mtu + ETH_HLEN + 1, 0, DROPPED },
		{ 65536, 0, DROPPED },
		{ FRAME_MAX, 0, DROPPED },
		{ FRAME_MAX + 1, -EMSGSIZE, REFUSED },
	};
	unsigned int i;

	if (mtu + ETH_HLEN + 1 >= 65536)
		fail("MTU %ld of %s is too large for this test", mtu, dev);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		drops = sysfs_num(dev, "statistics/rx_dropped");
		pkts = sysfs_num(dev, "statistics/rx_packets");
		fill_frame(buf, c[i].len, mac, i);
		expect(res(write(a, buf, c[i].len)), c[i].err ?: c[i].len,
		       "write of %ld bytes (MTU %ld)", c[i].len, mtu);
		if (c[i].fate == DELIVERED) {
			n = pkt_recv(tap, rbuf, 0, 2000);
			if (n != c[i].len || memcmp(rbuf, buf, n))
				fail("the %ld-byte frame: the stack got %ld",
				     c[i].len, n);
			await_stat(dev, "rx_packets", pkts + 1, 1000);
		} else if (c[i].fate == REFUSED) {
			sleep_ms(50);
			if (await_stat(dev, "rx_packets", pkts, 0) != pkts)
				fail("a refused write counted in rx_packets");
		}
		want = c[i].fate == DROPPED;
		n = await_stat(dev, "rx_dropped", drops + want, 1000) - drops;
		if (n != want)
			fail("the %ld-byte write: rx_dropped +%ld, want +%ld",
			     c[i].len, n, want);
		ksft_print_msg("... %s, rx_dropped +%ld\n",
			       c[i].fate == DELIVERED ? "delivered" :
			       c[i].fate == DROPPED ? "dropped" : "refused", n);
	}
}

/*
 * A read into a bad pointer: the frame was taken off the queue before
 * the copy failed, so it is dropped and counted, not kept for the next
 * read.  FD is O_NONBLOCK, with one frame of at most LEN bytes queued.
 */
static void check_read_fault(int fd, const char *dev, void *bad, size_t len)
{
	long drops = sysfs_num(dev, "statistics/tx_dropped");

	expect(res(read(fd, bad, len)), -EFAULT, "read into a bad pointer");
	if (await_stat(dev, "tx_dropped", drops + 1, 1000) != drops + 1)
		fail("the frame a bad read lost is not in tx_dropped");
	expect(res(read(fd, rbuf, BUF_SIZE)), -EAGAIN,
	       "O_NONBLOCK read after it: the frame is gone");
}

/* writev and readv, short reads, O_NONBLOCK, bad pointers. */
static void check_iov(int a, int tap, const char *dev, unsigned int ifindex,
		      const unsigned char *mac)
{
	struct iovec iov[3] = {
		{ buf, 14 }, { buf + 14, 10 }, { buf + 24, 36 },
	};
	void *bad = page_map(PROT_NONE);

	fill_frame(buf, 60, mac, 60);
	expect(res(writev(a, iov, 3)), 60, "writev of 60 bytes in 3 pieces");
	if (pkt_recv(tap, rbuf, 0, 2000) != 60 || memcmp(rbuf, buf, 60))
		fail("the writev frame did not come up the stack whole");
	expect(res(write(a, bad, 60)), -EFAULT, "write from a bad pointer");

	fcntl(a, F_SETFL, O_NONBLOCK);
	expect(res(read(a, rbuf, BUF_SIZE)), -EAGAIN,
	       "O_NONBLOCK read, nothing queued");
	fill_frame(buf, 100, mac, 100);
	expect(pkt_send(tap, ifindex, ETH_P_VNETMQ, buf, 100), 100,
	       "send a 100-byte frame on TX queue 0");
	await_frame(a, 2000, "the 100-byte frame");
	check_revents(revents_now(a), POLLIN | POLLOUT, "poll, frame queued");
	expect(res(read(a, rbuf, 99)), -EMSGSIZE, "read into 99 bytes");
	expect(res(read(a, rbuf, 100)), 100, "read into 100 bytes");
	if (memcmp(rbuf, buf, 100))
		fail("the frame read differs from the frame sent");
	expect(pkt_send(tap, ifindex, ETH_P_VNETMQ, buf, 100), 100,
	       "send it again");
	await_frame(a, 2000, "the 100-byte frame");
	iov[0] = (struct iovec){ rbuf, 20 };
	iov[1] = (struct iovec){ rbuf + 20, 1000 };
	expect(res(readv(a, iov, 2)), 100, "readv into 20 + 1000 bytes");
	if (memcmp(rbuf, buf, 100))
		fail("the frame readv() read differs from the frame sent");
	expect(pkt_send(tap, ifindex, ETH_P_VNETMQ, buf, 100), 100,
	       "send it a third time");
	await_frame(a, 2000, "the 100-byte frame");
	check_read_fault(a, dev, bad, 100);
	fcntl(a, F_SETFL, 0);
	munmap(bad, MAP_LEN);
}

static int cmd_badinput(const char *dev)
{
	unsigned int ifindex = ifindex_of(dev), pairs = queue_pairs(dev);
	unsigned char mac[ETH_ALEN];
	int a, tap;
	long drops;

	if (pairs < 2)
		fail("%s has %u queue pairs; badinput needs 2", dev, pairs);
	mac_of(dev, mac);
	check_unattached(ifindex, pairs);
	a = qopen();
	expect(qattach(a, ifindex, 0, 0, NULL), 0, "ATTACH to %s queue 0", dev);
	check_get(a, ifindex, 0, 0);
	check_sharing(a, ifindex, pairs);
	tap = pkt_open(ifindex, ETH_P_VNETMQ, 0);
	check_writes(a, tap, dev, mac);
	check_iov(a, tap, dev, ifindex, mac);
	close(tap);

	drops = sysfs_num(dev, "statistics/rx_dropped");
	set_link(dev, 0);
	fill_frame(buf, 60, mac, 1);
	expect(res(write(a, buf, 60)), 60, "write while %s is down", dev);
	if (await_stat(dev, "rx_dropped", drops + 1, 1000) != drops + 1)
		fail("the write while down was not counted in rx_dropped");
	set_link(dev, 1);
	check_get(a, ifindex, 0, 0);
	return 0;
}

/* vnethdr: a TCP/IPv4 GSO frame, both ways, with its virtio_net_hdr. */
static unsigned int csum_add(unsigned int sum, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (; len > 1; len -= 2, p += 2)
		sum += p[0] << 8 | p[1];
	return len ? sum + (p[0] << 8) : sum;
}

static unsigned short csum_fold(unsigned int sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* F: a TCP/IPv4 frame to DST with PAYLOAD bytes; its length. */
static size_t tcp_frame(unsigned char *f, const unsigned char *dst,
			size_t payload)
{
	struct tcphdr *tcp = (struct tcphdr *)(f + TCP_START);
	struct iphdr *ip = (struct iphdr *)(f + ETH_HLEN);
	size_t i, l4 = sizeof(*tcp) + payload;
	unsigned int sum;

	fill_frame(f, TCP_START + l4, dst, 0);
	f[12] = ETH_P_IP >> 8;
	f[13] = ETH_P_IP & 0xff;
	memset(ip, 0, sizeof(*ip) + sizeof(*tcp));
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(sizeof(*ip) + l4);
	ip->frag_off = htons(IP_DF);
	ip->ttl = 64;
	ip->protocol = IPPROTO_TCP;
	ip->saddr = htonl(0xc0000201);	/* 192.0.2.1 */
	ip->daddr = htonl(0xc0000202);	/* 192.0.2.2 */
	ip->check = htons(~csum_fold(csum_add(0, ip, sizeof(*ip))));
	tcp->source = htons(40000);
	tcp->dest = htons(5001);
	tcp->seq = htonl(1);
	tcp->doff = sizeof(*tcp) / 4;
	tcp->ack = 1;
	tcp->psh = 1;
	tcp->window = htons(65535);
	/* NEEDS_CSUM: the pseudo-header sum, for the device to complete */
	sum = csum_add(IPPROTO_TCP + l4, &ip->saddr, 2 * sizeof(ip->saddr));
	tcp->check = htons(csum_fold(sum));
	for (i = 0; i < payload; i++)
		f[TCP_START + sizeof(*tcp) + i] = (unsigned char)(i * 7);
	return TCP_START + l4;
}

static void check_vhdr(const void *p, const char *what)
{
	const struct virtio_net_hdr *h = p;

	ksft_print_msg("%s: flags %#x gso_type %#x gso_size %u hdr_len %u\n",
		       what, h->flags, h->gso_type, h->gso_size, h->hdr_len);
	ksft_print_msg("... csum_start %u csum_offset %u\n", h->csum_start,
		       h->csum_offset);
	if ((h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) !=
	    VIRTIO_NET_HDR_GSO_TCPV4 || h->gso_size != GSO_SIZE ||
	    !(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) ||
	    h->csum_start != TCP_START ||
	    h->csum_offset != offsetof(struct tcphdr, check))
		fail("%s: want TCPV4, gso_size %u, NEEDS_CSUM at %zu + %zu",
		     what, GSO_SIZE, TCP_START, offsetof(struct tcphdr, check));
}

/* Whether the kernel has warned since boot: taint flag W, bit 9. */
static int kernel_warned(void)
{
	FILE *f = fopen("/proc/sys/kernel/tainted", "r");
	unsigned long t;
	int n;

	if (!f)
		fail("open /proc/sys/kernel/tainted: %s", strerror(errno));
	n = fscanf(f, "%lu", &t);
	fclose(f);
	if (n != 1)
		fail("/proc/sys/kernel/tainted: no number");
	return !!(t & 1UL << 9);
}

/*
 * GSO without NEEDS_CSUM: the kernel finds the transport header with the
 * flow dissector, which needs a netns, the device's.
 */
static void check_gso_probed(int a, int s, const unsigned char *mac,
			     const struct virtio_net_hdr *gso)
{
	struct virtio_net_hdr h = *gso;
	int warned = kernel_warned();
	long len, n;

	h.flags = 0;
	h.csum_start = 0;
	h.csum_offset = 0;
	memcpy(buf, &h, VHDR);
	len = tcp_frame(buf + VHDR, mac, GSO_PAYLOAD);
	expect(res(write(a, buf, VHDR + len)), VHDR + len,
	       "write of a TCP/IPv4 GSO frame without NEEDS_CSUM");
	n = pkt_recv(s, rbuf, VHDR, 2000);
	if (n != (long)VHDR + len || memcmp(rbuf + VHDR, buf + VHDR, len))
		fail("that frame did not come up the stack whole (%ld bytes)",
		     n);
	/* EtherType 0: the protocol comes from the device's header_ops,
	 * then from the GSO type.
	 */
	buf[VHDR + 12] = 0;
	buf[VHDR + 13] = 0;
	expect(res(write(a, buf, VHDR + len)), VHDR + len,
	       "the same with EtherType 0");
	if (pkt_recv(s, rbuf, VHDR, 2000) != (long)VHDR + len)
		fail("that frame did not come up the stack");
	if (!warned && kernel_warned())
		fail("the kernel warned on these writes (see its log)");
}

static void race_cpu0(int idle);

static int cmd_vnethdr(const char *dev)
{
	const struct virtio_net_hdr gso = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
		.hdr_len = TCP_START + sizeof(struct tcphdr),
		.gso_size = GSO_SIZE,
		.csum_start = TCP_START,
		.csum_offset = offsetof(struct tcphdr, check),
	};
	unsigned int ifindex = ifindex_of(dev);
	unsigned char mac[ETH_ALEN];
	void *bad = page_map(PROT_NONE);
	long len, n;
	int a, s, one = 1;

	mac_of(dev, mac);
	a = qopen();
	expect(qattach(a, ifindex, 0, VNETMQ_F_VNET_HDR, NULL), 0,
	       "ATTACH to %s queue 0 with VNETMQ_F_VNET_HDR", dev);
	check_get(a, ifindex, 0, VNETMQ_F_VNET_HDR);
	s = pkt_open(ifindex, ETH_P_ALL, 1);

	memset(buf, 0, VHDR);
	fill_frame(buf + VHDR, ETH_HLEN, mac, 0);
	expect(res(write(a, buf, VHDR - 1)), -EINVAL,
	       "write shorter than the vnet header");
	expect(res(write(a, buf, VHDR + ETH_HLEN - 1)), -EINVAL,
	       "write of a vnet header and 13 bytes");
	expect(res(write(a, bad, VHDR + ETH_HLEN)), -EFAULT,
	       "write of a vnet header from a bad pointer");
	expect(res(write(a, buf, VHDR + ETH_HLEN)), VHDR + ETH_HLEN,
	       "write of a vnet header and 14 bytes");
	if (pkt_recv(s, rbuf, VHDR, 2000) != VHDR + ETH_HLEN)
		fail("the 14-byte frame did not come up the stack");

	/* file -> stack */
	memcpy(buf, &gso, VHDR);
	len = tcp_frame(buf + VHDR, mac, GSO_PAYLOAD);
	expect(res(write(a, buf, VHDR + len)), VHDR + len,
	       "write of a %ld-byte TCP/IPv4 GSO frame", len);
	n = pkt_recv(s, rbuf, VHDR, 2000);
	if (n != (long)VHDR + len)
		fail("the GSO frame: the stack got %ld bytes, want %ld", n,
		     VHDR + len);
	check_vhdr(rbuf, "a PACKET_VNET_HDR socket got");
	if (memcmp(rbuf + VHDR, buf + VHDR, len))
		fail("the GSO frame came up the stack changed");
	check_gso_probed(a, s, mac, &gso);
	memcpy(buf, &gso, VHDR);
	len = tcp_frame(buf + VHDR, mac, GSO_PAYLOAD);

	/* stack -> file */
	expect(pkt_send(s, ifindex, ETH_P_IP, buf, VHDR + len), VHDR + len,
	       "send it from a PACKET_VNET_HDR socket on TX queue 0");
	await_frame(a, 2000, "the GSO frame");
	fcntl(a, F_SETFL, O_NONBLOCK);
	expect(res(read(a, rbuf, VHDR - 1)), -EINVAL,
	       "read into less than a vnet header");
	expect(res(read(a, rbuf, VHDR + len - 1)), -EMSGSIZE,
	       "read into one byte less than header and frame");
	expect(res(read(a, rbuf, BUF_SIZE)), VHDR + len, "read the frame");
	check_vhdr(rbuf, "the file read");
	if (memcmp(rbuf + VHDR, buf + VHDR, len))
		fail("the GSO frame read differs from the frame sent");

	/* Past the qdisc: __dev_direct_xmit() has the driver check the
	 * frame outside any RCU section.  From CPU 0, a packet socket
	 * picks TX queue 0 (skb_tx_hash() of the recorded CPU).
	 */
	race_cpu0(0);
	if (setsockopt(s, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)))
		fail("PACKET_QDISC_BYPASS: %s", strerror(errno));
	expect(pkt_send(s, ifindex, ETH_P_IP, buf, VHDR + len), VHDR + len,
	       "send it again past the qdisc (PACKET_QDISC_BYPASS)");
	await_frame(a, 2000, "the GSO frame sent past the qdisc");
	expect(res(read(a, rbuf, BUF_SIZE)), VHDR + len, "read that frame");
	check_vhdr(rbuf, "the file read");
	expect(pkt_send(s, ifindex, ETH_P_IP, buf, VHDR + len), VHDR + len,
	       "send it again");
	await_frame(a, 2000, "the GSO frame");
	check_read_fault(a, dev, bad, MAP_LEN);
	munmap(bad, MAP_LEN);
	return 0;
}

/*
 * A frame sent through VLAN device VDEV (VID on top of DEV) reaches the
 * file with its 802.1Q tag in the frame itself: vnetmq offers no VLAN TX
 * offload, so the core has put the tag there, and a read must have room
 * for it.
 */
static int cmd_vlan(const char *dev, const char *vdev, const char *vid)
{
	unsigned long id = num(vid, "VID");
	unsigned int vifindex = ifindex_of(vdev);
	const size_t tagged = ETH_ZLEN + 4;
	unsigned char mac[ETH_ALEN];
	int a, s;

	mac_of(dev, mac);
	a = qopen();
	expect(qattach(a, ifindex_of(dev), 0, 0, NULL), 0,
	       "ATTACH to %s queue 0", dev);
	s = pkt_open(vifindex, ETH_P_VNETMQ, 0);
	fill_frame(buf, ETH_ZLEN, mac, 0);
	expect(pkt_send(s, vifindex, ETH_P_VNETMQ, buf, ETH_ZLEN), ETH_ZLEN,
	       "send a %d-byte frame on %s", ETH_ZLEN, vdev);
	await_frame(a, 2000, "the tagged frame");
	expect(res(read(a, rbuf, tagged - 1)), -EMSGSIZE,
	       "read of the %zu-byte tagged frame into %zu bytes", tagged,
	       tagged - 1);
	expect(res(read(a, rbuf, BUF_SIZE)), tagged,
	       "read of the tagged frame");
	if ((rbuf[12] << 8 | rbuf[13]) != ETH_P_8021Q ||
	    ((rbuf[14] << 8 | rbuf[15]) & 0xfff) != id ||
	    memcmp(rbuf + 16, buf + 12, ETH_ZLEN - 12))
		fail("the frame read is not the frame sent with tag %lu in it",
		     id);
	printf("# %s: tag %lu in the frame, %zu bytes read\n", vdev, id,
	       tagged);
	close(s);
	close(a);
	return 0;
}

/* rxfull: the script paused RX queue 0, so the file's writes fill it. */
static int cmd_rxfull(const char *dev)
{
	struct blocked w = { .kind = B_WRITE };
	unsigned int ifindex = ifindex_of(dev);
	unsigned char mac[ETH_ALEN];
	int a = qopen();
	long n, r = 0;

	mac_of(dev, mac);
	expect(qattach(a, ifindex, 0, 0, NULL), 0, "ATTACH to %s queue 0", dev);
	fill_frame(buf, 60, mac, 0);
	fcntl(a, F_SETFL, O_NONBLOCK);
	for (n = 0; n < 100000 && (r = res(write(a, buf, 60))) == 60; n++)
		;
	expect(r, -EAGAIN, "O_NONBLOCK write after %ld frames", n);
	if (!n)
		fail("not one frame fit in the paused RX queue's ring");
	r = revents_now(a);
	if (r < 0 || (r & POLLOUT))
		fail("poll, ring full: revents %#lx, want no POLLOUT", r);
	ksft_print_msg("poll, ring full: revents %#lx\n", r);
	fcntl(a, F_SETFL, 0);
	block_on(&w, 1, a);
	expect(qdetach(a), 0, "DETACH with a write blocked");
	await_wake(&w, 1, 1000, "the DETACH");
	expect(w.ret, -EBADFD, "the write blocked before the DETACH");
	return 0;
}

static int cmd_perm(int argc, char **argv)
{
	unsigned int ifindex = ifindex_of(argv[2]);
	int fd = qopen(), allowed = argc > 3;
	long want = allowed ? 0 : -EPERM;
	__u32 f;

	if (allowed && strcmp(argv[3], "allowed"))
		fail("perm: '%s', want 'allowed' or nothing", argv[3]);
	ksft_print_msg("uid %u euid %u\n", getuid(), geteuid());
	expect(qattach(fd, ifindex, 0, 0, NULL), want,
	       "ATTACH to %s queue 0", argv[2]);
	if (allowed)
		expect(qdetach(fd), 0, "DETACH");
	expect(qattach(fd, ifindex, VNETMQ_QUEUE_ANY, 0, NULL), want,
	       "ATTACH to any queue");
	expect(qfeatures(fd, &f), 0, "GET_FEATURES");
	return 0;
}

static int cmd_write(int argc, char **argv)
{
	unsigned long q = argc > 4 ? num(argv[4], "QUEUE") : 0;
	unsigned long i, n = num(argv[3], "COUNT");
	unsigned int ifindex = ifindex_of(argv[2]);
	unsigned char dst[ETH_ALEN];
	int fd;

	mac_of(argv[2], dst);
	fd = qopen();
	expect(qattach(fd, ifindex, q, 0, NULL), 0, "ATTACH to %s queue %lu",
	       argv[2], q);
	for (i = 0; i < n; i++) {
		fill_frame(buf, ETH_ZLEN, dst, i);
		expect(res(write(fd, buf, ETH_ZLEN)), ETH_ZLEN, "write %lu", i);
	}
	close(fd);
	return 0;
}

/*
 * The races: what a program does at the worst moment, in bounded loops.
 * Each is a regression test of a bug the rig kernel's KASAN reported
 * (its console is scanned); what the program itself can see, it checks.
 */

/* run: a shell command that must succeed. */
static void run(const char *fmt, ...)
{
	char cmd[256];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc)
		fail("'%s' failed (status %d)", cmd, rc);
}

#define RACE_FILES	4
/* Writers of one file, enough that some sit preempted in the middle of
 * a write, between its look at the file and its use of it.
 */
#define RACE_WRITERS	8

/* Wait for the file's hang-up, then close it at once, as users do. */
static void *close_on_hup(void *arg)
{
	int fd = (int)(long)arg;
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (poll(&p, 1, 30000) == 1 && !(p.revents & POLLHUP))
		;
	close(fd);
	return (void *)(long)(p.revents & POLLHUP);
}

/*
 * hup DEV ROUNDS: files on every queue pair of a new DEV close the
 * moment they see EPOLLHUP, while "ip link del" is still cutting them
 * off: deleting a device must not touch a file its user has closed.
 */
static int cmd_race_hup(const char *dev, const char *rounds)
{
	unsigned long r, n = num(rounds, "ROUNDS");
	pthread_t tid[RACE_FILES];
	unsigned int ifindex;
	void *hup;
	int i, fd;

	for (r = 0; r < n; r++) {
		run("ip link add %s numtxqueues %d numrxqueues %d type vnetmq",
		    dev, RACE_FILES, RACE_FILES);
		run("ip link set %s up", dev);
		ifindex = ifindex_of(dev);
		for (i = 0; i < RACE_FILES; i++) {
			fd = qopen();
			if (qattach(fd, ifindex, i, 0, NULL))
				fail("round %lu: ATTACH to %s queue %d: %s", r,
				     dev, i, strerror(errno));
			errno = pthread_create(&tid[i], NULL, close_on_hup,
					       (void *)(long)fd);
			if (errno)
				fail("pthread_create: %s", strerror(errno));
		}
		sleep_ms(20);
		run("ip link del %s", dev);
		for (i = 0; i < RACE_FILES; i++) {
			pthread_join(tid[i], &hup);
			if (!hup)
				fail("round %lu: file %d closed, no EPOLLHUP",
				     r, i);
		}
	}
	ksft_print_msg("%lu rounds of %d files closed on EPOLLHUP\n", n,
		       RACE_FILES);
	return 0;
}

struct race_writer {
	pthread_t tid;
	int fd, stop;
	const unsigned char *mac;
	long written, false_pollout;
};

/*
 * Run the calling thread on CPU 0 only; with IDLE, at the lowest
 * priority there is: it then runs only while the threads above it sleep.
 */
static void race_cpu0(int idle)
{
	struct sched_param p = { 0 };
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fail("sched_setaffinity: %s", strerror(errno));
	if (idle && sched_setscheduler(0, SCHED_IDLE, &p))
		fail("SCHED_IDLE: %s", strerror(errno));
}

/* Write frames as fast as the file takes them; errors are expected. */
static void *race_write(void *arg)
{
	struct race_writer *w = arg;
	unsigned char f[ETH_ZLEN];

	race_cpu0(1);
	fill_frame(f, sizeof(f), w->mac, 0);
	while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE))
		if (write(w->fd, f, sizeof(f)) == sizeof(f))
			w->written++;
	return NULL;
}

/*
 * reattach BIG SMALL ROUNDS: one file moves between queue pair 3 of BIG
 * and queue pair 0 of SMALL (one queue pair) while other threads of the
 * program write to it, blocking: no write may use BIG's queue on SMALL.
 * The writers share CPU 0 with the thread that moves the file, at idle
 * priority: they run only while it sleeps in the kernel, in the middle
 * of a DETACH or an ATTACH, and each is preempted wherever it is when
 * that thread wakes.
 */
static int cmd_race_reattach(const char *big, const char *small,
			     const char *rounds)
{
	unsigned int bi = ifindex_of(big), si = ifindex_of(small);
	unsigned long r, n = num(rounds, "ROUNDS");
	struct race_writer w[RACE_WRITERS] = { 0 };
	unsigned char mac[ETH_ALEN];
	long written = 0;
	int i, fd = qopen();

	mac_of(small, mac);
	race_cpu0(0);
	for (i = 0; i < RACE_WRITERS; i++) {
		w[i].mac = mac;
		w[i].fd = fd;
		errno = pthread_create(&w[i].tid, NULL, race_write, &w[i]);
		if (errno)
			fail("pthread_create: %s", strerror(errno));
	}
	for (r = 0; r < n; r++) {
		expect(qattach(fd, bi, 3, 0, NULL), 0,
		       "round %lu: ATTACH to %s queue 3", r, big);
		expect(qdetach(fd), 0, "round %lu: DETACH", r);
		expect(qattach(fd, si, VNETMQ_QUEUE_ANY, 0, NULL), 0,
		       "round %lu: ATTACH to %s", r, small);
		expect(qdetach(fd), 0, "round %lu: DETACH", r);
	}
	for (i = 0; i < RACE_WRITERS; i++)
		__atomic_store_n(&w[i].stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < RACE_WRITERS; i++) {
		pthread_join(w[i].tid, NULL);
		written += w[i].written;
	}
	close(fd);
	ksft_print_msg("%lu rounds, %ld frames written\n", n, written);
	return 0;
}

/* Poll for room, then write: count the times poll said yes and write no. */
static void *race_poll_write(void *arg)
{
	struct race_writer *w = arg;
	struct pollfd p = { .fd = w->fd, .events = POLLOUT };
	unsigned char f[ETH_ZLEN];

	fill_frame(f, sizeof(f), w->mac, 0);
	while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE)) {
		if (poll(&p, 1, 100) != 1 || !(p.revents & POLLOUT))
			continue;
		if (write(w->fd, f, sizeof(f)) == sizeof(f))
			w->written++;
		else if (errno == EAGAIN)
			w->false_pollout++;
		else
			fail("write after POLLOUT: %s", strerror(errno));
	}
	return NULL;
}

/*
 * pause DEV ROUNDS: a writer polls for room and writes to queue pair 0
 * while a second file attaches to and detaches from queue pair 1, which
 * pauses DEV's datapath each time.  While paused, the rings take no
 * written frame: poll must not say POLLOUT then (nor may a blocked
 * write spin).  A pause that begins between a POLLOUT and its write
 * accounts for one EAGAIN at most: the next poll waits for the pause
 * to end.
 */
static int cmd_race_pause(const char *dev, const char *rounds)
{
	unsigned long r, n = num(rounds, "ROUNDS");
	unsigned int ifindex = ifindex_of(dev);
	struct race_writer w = { 0 };
	unsigned char mac[ETH_ALEN];
	int other = qopen();

	mac_of(dev, mac);
	w.mac = mac;
	w.fd = qopen();
	expect(qattach(w.fd, ifindex, 0, 0, NULL), 0, "ATTACH to %s queue 0",
	       dev);
	fcntl(w.fd, F_SETFL, O_NONBLOCK);
	errno = pthread_create(&w.tid, NULL, race_poll_write, &w);
	if (errno)
		fail("pthread_create: %s", strerror(errno));
	for (r = 0; r < n; r++) {
		if (qattach(other, ifindex, 1, 0, NULL))
			fail("round %lu: ATTACH to queue 1: %s", r,
			     strerror(errno));
		sleep_ms(5);
		if (qdetach(other))
			fail("round %lu: DETACH: %s", r, strerror(errno));
		sleep_ms(5);
	}
	__atomic_store_n(&w.stop, 1, __ATOMIC_RELEASE);
	pthread_join(w.tid, NULL);
	ksft_print_msg("%lu pauses, %ld frames, %ld POLLOUT then EAGAIN\n",
		       2 * n, w.written, w.false_pollout);
	if (w.false_pollout > (long)(2 * n))
		fail("%ld POLLOUT then EAGAIN in %lu pauses: writers spin",
		     w.false_pollout, 2 * n);
	close(other);
	close(w.fd);
	return 0;
}

static int cmd_race(int argc, char **argv)
{
	if (!strcmp(argv[2], "hup") && argc == 5)
		return cmd_race_hup(argv[3], argv[4]);
	if (!strcmp(argv[2], "reattach") && argc == 6)
		return cmd_race_reattach(argv[3], argv[4], argv[5]);
	if (!strcmp(argv[2], "pause") && argc == 5)
		return cmd_race_pause(argv[3], argv[4]);
	fail("race %s with %d arguments: see the usage", argv[2], argc - 3);
}

static void __noreturn bad_usage(void)
{
	fprintf(stderr, "usage: vnetmq_qfile features\n"
		"  vnetmq_qfile serve DEV K SECONDS count|echo|hold [PAUSE_MS]\n"
		"  vnetmq_qfile lifetimes close|detach|detach-blocked|delete DEV\n"
		"  vnetmq_qfile lifetimes netns NETNS_PATH DEV\n"
		"  vnetmq_qfile badinput|vnethdr|rxfull DEV\n"
		"  vnetmq_qfile vlan DEV VLAN_DEV VID\n"
		"  vnetmq_qfile perm DEV [allowed]\n"
		"  vnetmq_qfile write DEV COUNT [QUEUE]\n"
		"  vnetmq_qfile race hup DEV ROUNDS\n"
		"  vnetmq_qfile race reattach BIG SMALL ROUNDS\n"
		"  vnetmq_qfile race pause DEV ROUNDS\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	sigset_t set;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Blocked in every thread: "lifetimes" takes it with sigtimedwait. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);

	if (!strcmp(cmd, "features") && argc == 2)
		return cmd_features();
	if (!strcmp(cmd, "serve") && (argc == 6 || argc == 7))
		return cmd_serve(argc, argv);
	if (!strcmp(cmd, "lifetimes") && (argc == 4 || argc == 5))
		return cmd_lifetimes(argc, argv);
	if (!strcmp(cmd, "badinput") && argc == 3)
		return cmd_badinput(argv[2]);
	if (!strcmp(cmd, "vnethdr") && argc == 3)
		return cmd_vnethdr(argv[2]);
	if (!strcmp(cmd, "vlan") && argc == 5)
		return cmd_vlan(argv[2], argv[3], argv[4]);
	if (!strcmp(cmd, "rxfull") && argc == 3)
		return cmd_rxfull(argv[2]);
	if (!strcmp(cmd, "perm") && (argc == 3 || argc == 4))
		return cmd_perm(argc, argv);
	if (!strcmp(cmd, "write") && (argc == 4 || argc == 5))
		return cmd_write(argc, argv);
	if (!strcmp(cmd, "race") && argc >= 5)
		return cmd_race(argc, argv);
	bad_usage();
}
