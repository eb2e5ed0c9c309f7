/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vnetmq: virtual multiqueue loopback Ethernet device.
 *
 * A frame transmitted on TX queue q is put on the ring of RX queue
 * vnetmq_rxq_for_txq(q) and received by that queue's NAPI poll: of the
 * device itself, or of its peer when two devices are created as a pair.
 *
 * The helpers declared here (queue.c, tc.c, skb.c, ring.c, poll.c) are the
 * driver's logic: they take plain values, one skb, or one RX queue with
 * its ring, never a napi_struct, so the KUnit suites drive every branch
 * of them on real skbs.  netdev.c, ethtool.c, stats.c and debugfs.c are
 * the glue that registers them.
 */
#ifndef _VNETMQ_H
#define _VNETMQ_H

#include <linux/ethtool.h>
#include <linux/hrtimer.h>
#include <linux/netdevice.h>
#include <linux/seqlock.h>
#include <linux/skbuff.h>
#include <linux/u64_stats_sync.h>
#include <linux/wait.h>
#include <net/netlink.h>

struct ethtool_channels;
struct ethtool_stats;
struct netdev_stat_ops;

#define VNETMQ_DRV_NAME		"vnetmq"
/* tun's limit: a per-queue resource must stay bounded per device. */
#define VNETMQ_MAX_QUEUES	256
/* By default four TX queues fold onto two RX queues: a ring has two
 * feeders, as soon as anything runs.
 */
#define VNETMQ_DEF_TX_QUEUES	4
#define VNETMQ_DEF_RX_QUEUES	2
/* RX ring sizes (ethtool -G rx), in frames. */
#define VNETMQ_DEF_RING_SIZE	256
#define VNETMQ_MAX_RING_SIZE	4096
/* How long a TX queue may stay stopped before the core calls it hung. */
#define VNETMQ_WATCHDOG_TIMEO	(2 * HZ)
/*
 * queue_mapping of a frame written to a queue file: it was never
 * transmitted, so no TX queue completes it.  Above VNETMQ_MAX_QUEUES.
 */
#define VNETMQ_TXQ_NONE		U16_MAX
/*
 * The VNETMQ_F_* flags a queue file may attach with: what
 * VNETMQ_GET_FEATURES reports.  Not uapi: it grows with the kernel.
 */
#define VNETMQ_QF_FLAGS		VNETMQ_F_VNET_HDR
/* IEEE 802.1Q's eight traffic classes; each has a ring per RX queue. */
#define VNETMQ_MAX_TC		8
/*
 * RX interrupt coalescing (ethtool -C rx-frames, rx-usecs).  A batch
 * ends at a poll's budget (BQL usually ends it first), or by the timer:
 * with high-resolution timers each firing is a clock event, so rx-usecs
 * sets how often a stream pays one, and 200 us keeps that cheap where a
 * clock event is dear (UML, VMs); lone frames do not wait for it
 * (vnetmq_coal_lone()).  vnetmq.rst has the measurements.
 */
#define VNETMQ_DEF_COAL_FRAMES	64
#define VNETMQ_DEF_COAL_USECS	200
#define VNETMQ_MAX_COAL_FRAMES	NAPI_POLL_WEIGHT
#define VNETMQ_MAX_COAL_USECS	10000

/*
 * RSS (ethtool -X): a key and a table per context, contexts 0..32 (the
 * driver selftests create 32).  The key is ice's size: Toeplitz needs 4
 * bytes of key beyond its longest input, two IPv6 addresses, two ports
 * and a flow label.  The table has an entry for each of the most RX
 * queues a device may have, and is a multiple of 8, so weights up to 8
 * divide it exactly.
 */
#define VNETMQ_RSS_KEY_SIZE	52
#define VNETMQ_RSS_INDIR_SIZE	VNETMQ_MAX_QUEUES
#define VNETMQ_RSS_MAX_CTX	33
#define VNETMQ_RSS_INPUT_MAX	(2 * 16 + 2 * 2 + 4)
/* ntuple rule locations (ethtool -N ... loc). */
#define VNETMQ_MAX_RULES	64
/* What a pair's ends do as a NIC's receiver (steer.c); not a lone one. */
#define VNETMQ_STEER_FEATURES	(NETIF_F_RXHASH | NETIF_F_NTUPLE)
/* What vnetmq_steer_pick() returns for a frame a rule drops. */
#define VNETMQ_STEER_DROP	U32_MAX

/**
 * struct vnetmq_ring - bounded queue of frames waiting for an RX queue's poll
 * @skbs: the frames, oldest first; @skbs.lock serializes the producers
 *	(ndo_start_xmit of every TX queue that maps here) with the consumer
 *	(the RX queue's NAPI poll)
 * @size: capacity in frames; changed by ethtool -G while frames flow,
 *	so read with READ_ONCE()
 * @open: frames written to a queue file may enter (under @skbs.lock);
 *	closed while the RX queue's NAPI is down
 * @flags: VNETMQ_RING_STOPPED: a TX queue feeding the ring stopped
 *	since the ring last woke its feeders (atomic bit operations)
 * @feeders: TX queues feeding the ring: the stop headroom of each, and
 *	what its poll computes the wake threshold from (RTNL, READ_ONCE())
 *
 * A list with a length rather than a ptr_ring: flow control with several
 * producers needs the exact number of free slots, which ptr_ring does not
 * expose, and resizing a list is a store, not a reallocation.
 */
struct vnetmq_ring {
	struct sk_buff_head skbs;
	unsigned int size;
	bool open;
	unsigned long flags;
	unsigned int feeders;
};

enum {
	VNETMQ_RING_STOPPED,
};

/**
 * struct vnetmq_rxq_counts - an RX queue's counters, read at one moment
 * @packets: see struct vnetmq_rxq_stats
 * @bytes: see struct vnetmq_rxq_stats
 * @drops: see struct vnetmq_rxq_stats
 * @polls: see struct vnetmq_rxq_stats
 * @full_polls: see struct vnetmq_rxq_stats
 * @tc_packets: see struct vnetmq_rxq_stats
 */
struct vnetmq_rxq_counts {
	u64 packets, bytes, drops, polls, full_polls;
	u64 tc_packets[VNETMQ_MAX_TC];
};

/**
 * struct vnetmq_tx_frame - what a TX queue counts of one frame, taken
 *	before the frame leaves the sender (vnetmq_skb_tx_frame())
 * @len: its length
 * @gso_segs: the frames a GSO frame stands for on a wire; 0 if not GSO
 * @wire_len: their length, each with its own copy of the headers
 */
struct vnetmq_tx_frame {
	unsigned int len;
	unsigned int gso_segs;
	unsigned int wire_len;
};

/**
 * struct vnetmq_txq_counts - a TX queue's counters, read at one moment
 * @packets: see struct vnetmq_txq_stats
 * @bytes: see struct vnetmq_txq_stats
 * @drops: see struct vnetmq_txq_stats
 * @stops: see struct vnetmq_txq_stats
 * @wakes: see struct vnetmq_txq_stats
 * @timeouts: see struct vnetmq_txq_stats
 * @gso_packets: see struct vnetmq_txq_stats
 * @gso_bytes: see struct vnetmq_txq_stats
 * @gso_wire_packets: see struct vnetmq_txq_stats
 * @gso_wire_bytes: see struct vnetmq_txq_stats
 */
struct vnetmq_txq_counts {
	u64 packets, bytes, drops, stops, wakes, timeouts;
	u64 gso_packets, gso_bytes, gso_wire_packets, gso_wire_bytes;
};

/**
 * struct vnetmq_rxq_stats - counters of one RX queue
 * @packets: frames handed to the stack
 * @bytes: their length, Ethernet header included (as a TX queue counts)
 * @drops: frames dropped from the rings (device stopped); a frame the
 *	stack's backlog refused is counted by the core (rx_dropped)
 * @polls: NAPI polls
 * @full_polls: polls that used their whole budget
 * @tc_packets: of @packets, those taken off each traffic class's ring
 * @syncp: for 64-bit reads on 32-bit hosts
 * @base: the counters at the last reset; what is reported is the
 *	counters less @base (under vnetmq_priv.stats_reset)
 *
 * Single writer: the queue's NAPI poll, or the control path while that
 * NAPI is disabled.  The counters themselves only ever grow.
 */
struct vnetmq_rxq_stats {
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t drops;
	u64_stats_t polls;
	u64_stats_t full_polls;
	u64_stats_t tc_packets[VNETMQ_MAX_TC];
	struct u64_stats_sync syncp;
	struct vnetmq_rxq_counts base;
};

/**
 * struct vnetmq_txq_stats - counters of one TX queue
 * @packets: frames the queue took: put on an RX ring or given to a file
 * @bytes: their length
 * @drops: frames a queue file held when it was detached or the device
 *	went down
 * @stops: times the queue was stopped because its ring was nearly full
 * @timeouts: TX watchdog timeouts
 * @gso_packets: of @packets, the GSO frames: they leave whole, as the
 *	frames a NIC's segmentation offload takes (tx-hw-gso-packets)
 * @gso_bytes: their length
 * @gso_wire_packets: the frames they stand for on a wire (gso_segs)
 * @gso_wire_bytes: those frames' length, each with its own headers
 * @syncp: for 64-bit reads on 32-bit hosts
 * @wakes: times the RX side woke the queue again
 * @wake_syncp: @wakes has its own writers: the NAPI polls that drain the
 *	rings this queue feeds, one at a time under @done_lock
 * @done_lock: serializes the completions of the queue's frames (BQL's
 *	dql_completed() takes one completer at a time) and its wakes: in a
 *	pair, the NAPIs of several RX queues complete one TX queue's frames
 * @base: the counters at the last reset (under vnetmq_priv.stats_reset)
 *
 * All but @wakes are written by ndo_start_xmit under the queue's xmit
 * lock, or by ndo_tx_timeout while the core has frozen the queues, or
 * (@drops) under RTNL with the queues stopped.  A frame refused at
 * transmit never was the queue's: the core's tx_dropped counts it, as
 * tun's.
 */
struct vnetmq_txq_stats {
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t drops;
	u64_stats_t stops;
	u64_stats_t timeouts;
	u64_stats_t gso_packets;
	u64_stats_t gso_bytes;
	u64_stats_t gso_wire_packets;
	u64_stats_t gso_wire_bytes;
	struct u64_stats_sync syncp;
	u64_stats_t wakes;
	struct u64_stats_sync wake_syncp;
	/* BQL's completions and the wakes, one completer at a time */
	spinlock_t done_lock;
	struct vnetmq_txq_counts base;
};

/**
 * struct vnetmq_rxq - one RX queue
 * @napi: its NAPI instance, registered while the device is up
 * @ring: frames waiting for @napi, one ring per traffic class, so a
 *	flood in one class cannot take another's ring space
 * @dev: the device
 * @index: the queue's index
 * @nr_rings: rings in use: the device's traffic classes, or 1 without
 *	classes; changed only while @napi is disabled
 * @paused: debugfs test knob: while set, polls take nothing off @ring,
 *	as a hung RX engine would (used to provoke a TX timeout)
 * @stats: its counters
 * @coal_timer: schedules @napi for frames that waited rx-usecs
 * @flags: VNETMQ_RXQ_TIMER: @coal_timer is armed (atomic bit operations)
 * @irq_cpu: on a pair's end, the CPU that @napi is scheduled on, as a
 *	NIC's queue interrupt is delivered to one CPU; -1 on a lone device,
 *	whose transmitting CPU polls.  Set under RTNL while @napi is
 *	disabled.
 * @irq_csd: the IPI that schedules @napi on @irq_cpu; in flight only
 *	while this CPU owns @napi's SCHED bit (napi_disable() waits)
 */
struct vnetmq_rxq {
	struct napi_struct napi;
	struct vnetmq_ring ring[VNETMQ_MAX_TC];
	struct net_device *dev;
	u16 index;
	u8 nr_rings;
	bool paused;
	struct vnetmq_rxq_stats stats;
	struct hrtimer coal_timer;
	unsigned long flags;
	int irq_cpu;
	call_single_data_t irq_csd;
} ____cacheline_aligned_in_smp;

enum {
	VNETMQ_RXQ_TIMER,
};

/**
 * struct vnetmq_cpu_poll - the last poll of a device's NAPIs on one CPU
 * @end: ktime_get_ns() when it ended
 * @ns: how long it took
 *
 * Per CPU, not per queue: a NAPI scheduled by a transmit runs on the
 * transmitting CPU, or on its queue's CPU on a pair's end, and whether
 * frames come faster than polls take is a question about that CPU's
 * time, which the polls of all the device's queues share.  Hints for
 * vnetmq_coal_lone(), written by polls that took frames and read by
 * transmits (WRITE_ONCE(), READ_ONCE(): a KUnit test sets every CPU's,
 * and a u64 may tear on 32-bit).
 */
struct vnetmq_cpu_poll {
	u64 end;
	u64 ns;
};

/**
 * struct vnetmq_coal - RX interrupt coalescing of a device (ethtool -C)
 * @frames: schedule an RX queue's NAPI once this many frames wait on
 *	one of its rings, 1..VNETMQ_MAX_COAL_FRAMES
 * @usecs: or at the latest this long after a frame found no timer
 *	armed; 0 schedules NAPI for every frame
 *
 * Written under RTNL, each field with WRITE_ONCE(); the datapath reads
 * them one at a time, and any mix of old and new values is safe.
 */
struct vnetmq_coal {
	u32 frames;
	u32 usecs;
};

/**
 * struct vnetmq_txq_map - where the frames of one TX queue go
 * @rxq: the RX queue, vnetmq_rxq_for_txq(); in a pair, where the peer
 *	steers each frame, the RX queue whose ring the TX queue last
 *	stopped on (written by its transmit, READ_ONCE() elsewhere)
 * @feeders: TX queues that feed the same ring of @rxq (this one too):
 *	the free slots this queue keeps on the ring before it stops; in a
 *	pair, every TX queue of its class
 * @tc: the queue's traffic class, which picks the ring of @rxq
 *
 * Derived from the queue counts and the classes by vnetmq_txq_map_build()
 * under RTNL while no frame is in flight, then read by the datapath.
 */
struct vnetmq_txq_map {
	u16 rxq;
	u16 feeders;
	u8 tc;
};

/**
 * struct vnetmq_tc - the traffic classes offloaded from mqprio
 * @num_tc: classes, 0 for none
 * @count: TX queues of each class
 * @offset: the first TX queue of each class
 *
 * Class c owns TX queues offset[c] .. offset[c] + count[c] - 1; a TX
 * queue in no class's range belongs to class 0.  Higher classes are
 * served first (IEEE 802.1Q strict priority).
 */
struct vnetmq_tc {
	u8 num_tc;
	u16 count[VNETMQ_MAX_TC];
	u16 offset[VNETMQ_MAX_TC];
};

/*
 * States of a queue file; changed under RTNL, read with READ_ONCE().
 * DETACHED files may attach again; GONE files lost their device.
 */
enum vnetmq_qfile_state {
	VNETMQ_QF_NEW,
	VNETMQ_QF_ATTACHED,
	VNETMQ_QF_DETACHED,
	VNETMQ_QF_GONE,
};

/**
 * struct vnetmq_qfile - an open file of /dev/vnetmq: a queue pair's backend
 * @frames: frames transmitted on the queue pair's TX queue, waiting to be
 *	read; @frames.lock also serializes the TX queue's stop and wake
 *	decisions (vnetmq_qfile_push(), vnetmq_qfile_pop())
 * @tx_live: under @frames.lock; the reader may wake the TX queue.  False
 *	while the datapath is down or being reconfigured.
 * @wq: readers, writers and pollers of the file
 * @dev: the device, while attached; read under RCU by the file's read
 *	and write paths, which may not sleep holding it
 * @node: on a list of files being detached from one device
 * @state: an enum vnetmq_qfile_state
 * @queue: the queue pair served, while attached; written under RTNL
 *	before @dev is published (read it with vnetmq_qfile_dev())
 * @flags: VNETMQ_F_* flags of the attachment (RTNL, READ_ONCE())
 *
 * The device reaches a file only through its slot (struct
 * vnetmq_backends), under RCU; a file is published there fully set up,
 * and a detached file's frames are freed only after a grace period.
 */
struct vnetmq_qfile {
	struct sk_buff_head frames;
	bool tx_live;
	wait_queue_head_t wq;
	struct net_device __rcu *dev;
	struct list_head node;
	u8 state;
	u16 queue;
	u32 flags;
};

/**
 * struct vnetmq_backends - the queue files serving a device's queue pairs
 * @slot: @n slots, one per queue pair (TX queue q with RX queue q); written
 *	under RTNL, read under RCU
 * @n: min(num_tx_queues, num_rx_queues): fixed for the device's life, so
 *	a lookup is bounded by it and by the real queue counts of the moment
 * @attached: files attached (RTNL)
 */
struct vnetmq_backends {
	struct vnetmq_qfile __rcu **slot;
	unsigned int n;
	unsigned int attached;
};

enum {
	VNETMQ_L3_NONE,
	VNETMQ_L3_IPV4,
	VNETMQ_L3_IPV6,
};

/**
 * struct vnetmq_flow - the headers of a frame that steering goes by
 * @src: source address (IPv4 in @src[0]), network order
 * @dst: destination address
 * @flow_label: IPv6 flow label, network order
 * @l4_first: the first four bytes after the IP header (@has_l4)
 * @sport: TCP, UDP or SCTP source port (@has_ports)
 * @dport: destination port (@has_ports)
 * @l3: VNETMQ_L3_*
 * @l4_proto: IPv4 protocol or IPv6 next header; 0 for a fragment
 * @tos: IPv4 TOS or IPv6 traffic class
 * @has_l4: @l4_first is valid
 * @has_ports: @sport and @dport are valid
 */
struct vnetmq_flow {
	__be32 src[4];
	__be32 dst[4];
	__be32 flow_label;
	__be32 l4_first;
	__be16 sport;
	__be16 dport;
	u8 l3;
	u8 l4_proto;
	u8 tos;
	bool has_l4;
	bool has_ports;
};

/**
 * struct vnetmq_rss_ctx - one RSS context
 * @fields: RXH_* fields hashed, by flow type (ethtool -N rx-flow-hash)
 * @key: the Toeplitz key
 * @indir: the indirection table: an RX queue for each hash % size
 * @xfrm: RXH_XFRM_* input transformation
 * @used: the context exists (context 0 always does)
 */
struct vnetmq_rss_ctx {
	u32 fields[IPV6_FLOW + 1];
	u8 key[VNETMQ_RSS_KEY_SIZE];
	u16 indir[VNETMQ_RSS_INDIR_SIZE];
	u8 xfrm;
	bool used;
};

/**
 * struct vnetmq_rule - an ntuple rule
 * @fs: the rule as ethtool gave it, its location resolved
 * @rss_context: the context a FLOW_RSS rule spreads over
 */
struct vnetmq_rule {
	struct ethtool_rx_flow_spec fs;
	u32 rss_context;
};

/**
 * struct vnetmq_steer - receive steering of a pair's end: one snapshot
 * @rcu: frees a snapshot replaced while transmits on the peer read it
 * @ctx: RSS contexts; 0 is the default
 * @nr_rules: rules in @rule
 * @rule: ntuple rules, by increasing location
 *
 * Never changed once published: the control path (RTNL) copies it,
 * changes the copy and publishes that, so a transmit reads tables,
 * contexts and rules that belong together, under RCU-BH.
 */
struct vnetmq_steer {
	struct rcu_head rcu;
	struct vnetmq_rss_ctx ctx[VNETMQ_RSS_MAX_CTX];
	unsigned int nr_rules;
	struct vnetmq_rule rule[VNETMQ_MAX_RULES];
};

/**
 * struct vnetmq_priv - private part of a vnetmq net_device
 * @rxq: num_rx_queues RX queues; those at or above real_num_rx_queues
 *	are idle but keep their counters, so totals survive ethtool -L
 * @txq_stats: num_tx_queues TX queue counters, kept the same way
 * @txq_map: num_tx_queues entries: each real TX queue's ring
 * @tc: traffic classes (RTNL)
 * @backends: queue files attached to queue pairs
 * @ring_size: the RX ring space of each RX queue set by ethtool -G,
 *	shared out among the traffic classes (RTNL)
 * @coal: RX interrupt coalescing
 * @cpu_poll: per CPU, the last poll of the device's NAPIs that took frames
 * @stats_reset: written around a change of the queues' counter bases;
 *	a reader of several counters retries across it, so one read never
 *	mixes counts from before and after a reset
 * @msg_enable: NETIF_MSG_* bits (ethtool -s msglvl)
 * @id: instance number, names the debugfs directory (ethtool -i bus-info)
 * @debugfs: the device's debugfs directory
 * @peer: the device whose rings the TX queues feed, and whose TX queues
 *	feed this one's: the device itself, or the other end of a pair.
 *	Set before the datapath first starts; an end whose peer
 *	unregisters is handed back to itself (vnetmq_dev_uninit()).
 *	Written under RTNL, read under RCU-BH by the datapath.
 * @peer_tracker: the reference a pair's end holds on its peer
 * @live: the datapath runs: the device is up, and its peer too.  One
 *	value for both ends of a pair, written on both under RTNL.
 * @dying: dellink queued the device (and its peer) for unregistering;
 *	written under RTNL, read by the queue files' writers
 * @steer: how the frames from the peer of a pair's end find their RX
 *	queue (RSS and ntuple); a lone device delivers by its TX map.
 *	Written under RTNL, read under RCU-BH by the peer's transmits.
 */
struct vnetmq_priv {
	struct vnetmq_rxq *rxq;
	struct vnetmq_txq_stats *txq_stats;
	struct vnetmq_txq_map *txq_map;
	struct vnetmq_tc tc;
	struct vnetmq_backends backends;
	unsigned int ring_size;
	struct vnetmq_coal coal;
	struct vnetmq_cpu_poll __percpu *cpu_poll;
	seqlock_t stats_reset;
	u32 msg_enable;
	int id;
	struct dentry *debugfs;
	struct net_device __rcu *peer;
	netdevice_tracker peer_tracker;
	bool live;
	bool dying;
	struct vnetmq_steer __rcu *steer;
};

/**
 * struct vnetmq_napi_ops - what the poll core asks of NAPI
 * @receive: hand one prepared frame to the stack
 * @tx_done: report @pkts frames, @bytes bytes of TX queue @txq consumed
 *	from the ring (BQL completion, and wake the queue if there is room)
 * @wake: ring @tc of @rq has room again: wake every TX queue feeding it
 *	that stopped on it
 * @complete: napi_complete_done(); true if the poll may stop
 * @reschedule: schedule the poll again
 *
 * The driver passes vnetmq_napi_ops; KUnit passes a fake to drive the
 * completion and lost-wakeup branches on its own schedule.
 */
struct vnetmq_napi_ops {
	void (*receive)(struct vnetmq_rxq *rq, struct sk_buff *skb);
	void (*tx_done)(struct vnetmq_rxq *rq, u16 txq, unsigned int pkts,
			unsigned int bytes);
	void (*wake)(struct vnetmq_rxq *rq, u8 tc);
	bool (*complete)(struct vnetmq_rxq *rq, int work);
	void (*reschedule)(struct vnetmq_rxq *rq);
};

/* rss.c: receive-side scaling */
void vnetmq_flow_parse(const struct sk_buff *skb, struct vnetmq_flow *f);
u32 vnetmq_flow_type(const struct vnetmq_flow *f);
bool vnetmq_rss_fields_ok(u32 flow_type, u32 fields);
bool vnetmq_rss_sym_ok(const struct vnetmq_rss_ctx *ctx);
u32 vnetmq_rss_default_fields(u32 flow_type);
unsigned int vnetmq_rss_input(const struct vnetmq_flow *f, u32 fields,
			      u8 xfrm, u8 *in);
u32 vnetmq_toeplitz(const u8 *key, const u8 *in, unsigned int len);
void vnetmq_rss_ctx_init(struct vnetmq_rss_ctx *ctx, unsigned int nrx);
void vnetmq_rss_indir_spread(struct vnetmq_rss_ctx *ctx, unsigned int nrx);
u32 vnetmq_rss_hash(const struct vnetmq_rss_ctx *ctx,
		    const struct vnetmq_flow *f, enum pkt_hash_types *type);

/* ntuple.c: flow rules */
bool vnetmq_rule_match(const struct vnetmq_rule *r,
		       const struct vnetmq_flow *f);
const struct vnetmq_rule *vnetmq_rule_lookup(const struct vnetmq_steer *st,
					     const struct vnetmq_flow *f);
int vnetmq_rule_check(const struct vnetmq_steer *st,
		      const struct ethtool_rx_flow_spec *fs, u32 rss_context,
		      unsigned int nrx);
const struct vnetmq_rule *vnetmq_rule_find(const struct vnetmq_steer *st,
					   u32 loc);
int vnetmq_rule_same(const struct vnetmq_steer *st,
		     const struct ethtool_rx_flow_spec *fs);
int vnetmq_rule_free_loc(const struct vnetmq_steer *st, u32 loc);
void vnetmq_rule_insert(struct vnetmq_steer *st,
			const struct ethtool_rx_flow_spec *fs, u32 rss_context);
int vnetmq_rule_delete(struct vnetmq_steer *st, u32 loc);
unsigned int vnetmq_rules_queues(const struct vnetmq_steer *st);
u32 vnetmq_steer_pick(const struct vnetmq_steer *st,
		      const struct vnetmq_flow *f, unsigned int nrx,
		      u32 *hash, enum pkt_hash_types *type);

/* steer.c: the steering tables' snapshots, and the datapath's entry */
struct vnetmq_steer *vnetmq_steer_cur(struct net_device *dev);
struct vnetmq_steer *vnetmq_steer_dup(struct net_device *dev);
void vnetmq_steer_publish(struct net_device *dev, struct vnetmq_steer *st);
bool vnetmq_steer_refuse(struct net_device *dev,
			 struct netlink_ext_ack *extack);
void vnetmq_steer_features(struct net_device *dev);
int vnetmq_steer_init(struct net_device *dev);
void vnetmq_steer_free(struct net_device *dev);
int vnetmq_steer_queues_prepare(struct net_device *dev, unsigned int rx,
				struct vnetmq_steer **stp);
u32 vnetmq_steer_rx(struct net_device *dev, struct sk_buff *skb);

/* ethtool_rss.c */
u32 vnetmq_get_rxfh_key_size(struct net_device *dev);
u32 vnetmq_get_rxfh_indir_size(struct net_device *dev);
u32 vnetmq_get_rx_ring_count(struct net_device *dev);
int vnetmq_get_rxfh(struct net_device *dev, struct ethtool_rxfh_param *rxfh);
int vnetmq_set_rxfh(struct net_device *dev, struct ethtool_rxfh_param *rxfh,
		    struct netlink_ext_ack *extack);
int vnetmq_create_rxfh_context(struct net_device *dev,
			       struct ethtool_rxfh_context *ctx,
			       const struct ethtool_rxfh_param *rxfh,
			       struct netlink_ext_ack *extack);
int vnetmq_modify_rxfh_context(struct net_device *dev,
			       struct ethtool_rxfh_context *ctx,
			       const struct ethtool_rxfh_param *rxfh,
			       struct netlink_ext_ack *extack);
int vnetmq_remove_rxfh_context(struct net_device *dev,
			       struct ethtool_rxfh_context *ctx,
			       u32 rss_context, struct netlink_ext_ack *extack);
int vnetmq_get_rxfh_fields(struct net_device *dev,
			   struct ethtool_rxfh_fields *fields);
int vnetmq_set_rxfh_fields(struct net_device *dev,
			   const struct ethtool_rxfh_fields *fields,
			   struct netlink_ext_ack *extack);

/* ethtool_ntuple.c */
int vnetmq_get_rxnfc(struct net_device *dev, struct ethtool_rxnfc *info,
		     u32 *rule_locs);
int vnetmq_set_rxnfc(struct net_device *dev, struct ethtool_rxnfc *info);
int vnetmq_ntuple_flush(struct net_device *dev);

/* queue.c: mapping and flow-control thresholds */
u16 vnetmq_rxq_for_txq(u16 txq, unsigned int real_num_rx_queues);
unsigned int vnetmq_ring_start_thrs(unsigned int size, unsigned int feeders);
void vnetmq_channels_from_queues(struct ethtool_channels *ch,
				 unsigned int num_tx, unsigned int num_rx,
				 unsigned int real_tx, unsigned int real_rx);
int vnetmq_channels_to_queues(const struct ethtool_channels *ch,
			      unsigned int num_tx, unsigned int num_rx,
			      unsigned int *tx, unsigned int *rx);

/* coalesce.c: when an RX queue's NAPI is scheduled */
int vnetmq_coal_check(u32 frames, u32 usecs, struct netlink_ext_ack *extack);
bool vnetmq_coal_due(const struct vnetmq_coal *coal, unsigned int waiting,
		     bool urgent);
bool vnetmq_coal_timer_ok(const struct vnetmq_coal *coal,
			  unsigned int resolution_ns);
bool vnetmq_coal_lone(const struct vnetmq_cpu_poll *last, u64 now);

/* tc.c: traffic classes */
struct tc_mqprio_qopt_offload;
int vnetmq_tc_check(const struct tc_mqprio_qopt_offload *mqprio,
		    unsigned int real_num_tx_queues,
		    struct netlink_ext_ack *extack);
void vnetmq_tc_set(struct vnetmq_tc *tc,
		   const struct tc_mqprio_qopt_offload *mqprio);
u8 vnetmq_tc_of_txq(const struct vnetmq_tc *tc, u16 txq);
unsigned int vnetmq_tc_last_txq(const struct vnetmq_tc *tc);
unsigned int vnetmq_tc_nr_rings(const struct vnetmq_tc *tc);
void vnetmq_txq_map_build(struct vnetmq_txq_map *map,
			  const struct vnetmq_tc *tc,
			  unsigned int real_num_tx_queues,
			  unsigned int real_num_rx_queues);
unsigned int vnetmq_tc_ring_min_size(const struct vnetmq_txq_map *map,
				     unsigned int real_num_tx_queues,
				     unsigned int nr_rings);
unsigned int vnetmq_tc_ring_share(unsigned int size, unsigned int nr_rings);

/* skb.c: what happens to a frame between xmit and receive */
enum skb_drop_reason vnetmq_skb_xmit_prep(struct net_device *dev,
					  struct sk_buff *skb);
void vnetmq_skb_rx_prep(struct net_device *dev, struct sk_buff *skb,
			u16 rxq);
enum skb_drop_reason vnetmq_skb_qfile_prep(struct sk_buff *skb,
					   bool vnet_hdr);
enum skb_drop_reason vnetmq_skb_inject_prep(struct net_device *dev,
					    struct sk_buff *skb);
bool vnetmq_skb_gro_ok(struct sk_buff *skb);
void vnetmq_skb_tx_frame(const struct sk_buff *skb, struct vnetmq_tx_frame *f);
enum skb_drop_reason vnetmq_skb_wire_csum(struct net_device *rcv,
					  struct sk_buff *skb);

/* ring.c */
void vnetmq_ring_init(struct vnetmq_ring *ring, unsigned int size);
void vnetmq_ring_produce(struct vnetmq_ring *ring, struct sk_buff *skb);
int vnetmq_ring_inject(struct vnetmq_ring *ring, struct sk_buff *skb,
		       unsigned int reserve);
void vnetmq_ring_set_open(struct vnetmq_ring *ring, bool open);
bool vnetmq_ring_writable(const struct vnetmq_ring *ring,
			  unsigned int reserve);
unsigned int vnetmq_ring_consume(struct vnetmq_ring *ring,
				 struct sk_buff_head *batch,
				 unsigned int budget);
unsigned int vnetmq_ring_free(const struct vnetmq_ring *ring);
void vnetmq_ring_mark_stopped(struct vnetmq_ring *ring);
bool vnetmq_ring_wake_due(struct vnetmq_ring *ring, unsigned int start);
bool vnetmq_ring_empty(const struct vnetmq_ring *ring);

/* poll.c: the NAPI poll core */
void vnetmq_rxq_init(struct vnetmq_rxq *rq, struct net_device *dev,
		     u16 index, unsigned int size);
int vnetmq_rx_poll(struct vnetmq_rxq *rq, int budget,
		   const struct vnetmq_napi_ops *ops);
unsigned int vnetmq_rx_flush(struct vnetmq_rxq *rq, bool deliver);

/* backend.c: the queue files' RCU core */
int vnetmq_backends_init(struct vnetmq_backends *b, unsigned int n);
void vnetmq_backends_free(struct vnetmq_backends *b);
int vnetmq_backend_pick(const struct vnetmq_backends *b, u32 queue,
			unsigned int pairs);
void vnetmq_backend_publish(struct vnetmq_backends *b, u16 queue,
			    struct vnetmq_qfile *qf);
struct vnetmq_qfile *vnetmq_backend_unpublish(struct vnetmq_backends *b,
					      u16 queue);
struct vnetmq_qfile *vnetmq_backend_lookup(const struct vnetmq_backends *b,
					   u16 queue, unsigned int pairs);
struct vnetmq_qfile *vnetmq_backend_get(const struct vnetmq_backends *b,
					u16 queue);
int vnetmq_backend_first_at(const struct vnetmq_backends *b, u16 from);
void vnetmq_qfile_init(struct vnetmq_qfile *qf);
struct net_device *vnetmq_qfile_dev(const struct vnetmq_qfile *qf, u16 *queue);
bool vnetmq_qfile_push(struct vnetmq_qfile *qf, struct sk_buff *skb,
		       unsigned int size);
struct sk_buff *vnetmq_qfile_pop(struct vnetmq_qfile *qf, unsigned int size,
				 bool *wake);
bool vnetmq_qfile_may_start(const struct vnetmq_qfile *qf, unsigned int size);
unsigned int vnetmq_qfile_purge(struct vnetmq_qfile *qf);
unsigned int vnetmq_backend_detach(struct vnetmq_backends *b, u16 queue);
unsigned int vnetmq_backend_detach_all(struct vnetmq_backends *b);

/* netdev.c */
#if IS_ENABLED(CONFIG_KUNIT)
extern struct rtnl_link_ops vnetmq_link_ops;
#endif
extern const struct vnetmq_napi_ops vnetmq_napi_ops;
void vnetmq_napi_receive(struct vnetmq_rxq *rq, struct sk_buff *skb);
void vnetmq_napi_tx_done(struct vnetmq_rxq *rq, u16 txq, unsigned int pkts,
			 unsigned int bytes);
int vnetmq_set_queues(struct net_device *dev, unsigned int tx,
		      unsigned int rx);
int vnetmq_set_ring_size(struct net_device *dev, unsigned int size,
			 struct netlink_ext_ack *extack);
bool vnetmq_is_vnetmq(const struct net_device *dev);
int vnetmq_pair_link(struct net_device *a, struct net_device *b);
int vnetmq_attach_qfile(struct net_device *dev, struct vnetmq_qfile *qf,
			u32 queue, u32 flags);
void vnetmq_detach_qfile(struct net_device *dev, struct vnetmq_qfile *qf);
int vnetmq_inject(struct net_device *dev, u16 queue, struct sk_buff *skb);
bool vnetmq_qfile_writable(struct vnetmq_qfile *qf);
void vnetmq_set_coal(struct net_device *dev, u32 frames, u32 usecs);

/* pair.c: pairs over rtnetlink */
struct rtnl_newlink_params;
extern const struct nla_policy vnetmq_policy[];
int vnetmq_newlink(struct net_device *dev, struct rtnl_newlink_params *params,
		   struct netlink_ext_ack *extack);
void vnetmq_dellink(struct net_device *dev, struct list_head *head);
struct net *vnetmq_get_link_net(const struct net_device *dev);

/* qfile.c: /dev/vnetmq */
int vnetmq_qfile_register(void);
void vnetmq_qfile_unregister(void);

/* stats.c */
void vnetmq_rxq_count(struct vnetmq_rxq *rq, u8 tc, unsigned int packets,
		      unsigned int bytes, unsigned int drops);
void vnetmq_rxq_count_poll(struct vnetmq_rxq *rq,
			   const unsigned int *tc_packets,
			   unsigned int bytes, bool full_poll);
void vnetmq_txq_count(struct vnetmq_txq_stats *st,
		      const struct vnetmq_tx_frame *f, bool stopped);
void vnetmq_txq_count_drops(struct vnetmq_txq_stats *st, unsigned int drops);
void vnetmq_txq_count_timeout(struct vnetmq_txq_stats *st);
void vnetmq_txq_count_wake(struct vnetmq_txq_stats *st);
void vnetmq_rxq_read(const struct vnetmq_rxq *rq,
		     struct vnetmq_rxq_counts *c);
void vnetmq_txq_read(const struct vnetmq_txq_stats *st,
		     struct vnetmq_txq_counts *c);
void vnetmq_stats_reset(struct net_device *dev);
void vnetmq_stats_reset_queue(struct net_device *dev, bool rx, u16 queue);
void vnetmq_get_stats64(struct net_device *dev,
			struct rtnl_link_stats64 *tot);
extern const struct netdev_stat_ops vnetmq_stat_ops;
int vnetmq_get_sset_count(struct net_device *dev, int sset);
void vnetmq_get_strings(struct net_device *dev, u32 sset, u8 *data);
void vnetmq_get_ethtool_stats(struct net_device *dev,
			      struct ethtool_stats *stats, u64 *data);

/* ethtool.c */
extern const struct ethtool_ops vnetmq_ethtool_ops;

/* debugfs.c */
void vnetmq_debugfs_init(struct net_device *dev);
void vnetmq_debugfs_exit(struct net_device *dev);
void vnetmq_debugfs_register(void);
void vnetmq_debugfs_unregister(void);

#endif /* _VNETMQ_H */
