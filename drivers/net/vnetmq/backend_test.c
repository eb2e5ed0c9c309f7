// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the queue files' RCU core (backend.c), the written
 * frames' path through the ring, the skb helpers of queue files, and a
 * registered device with files attached.  Several cases are regressions
 * for bug classes of tun's multiqueue history, named after them.
 */

#include <kunit/skbuff.h>
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/if_vlan.h>
#include <linux/ipv6.h>
#include <linux/kthread.h>
#include <linux/rtnetlink.h>
#include <net/rtnetlink.h>
#include <uapi/linux/vnetmq.h>

#include "test_util.h"
#include "vnetmq.h"

#define VNETMQ_BT_PAIRS	4

struct vnetmq_bt {
	struct vnetmq_backends b;
	struct vnetmq_qfile qf[VNETMQ_BT_PAIRS + 1];
};

static int vnetmq_bt_init(struct kunit *test)
{
	struct vnetmq_bt *t;
	unsigned int i;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	if (!t || vnetmq_backends_init(&t->b, VNETMQ_BT_PAIRS))
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(t->qf); i++)
		vnetmq_qfile_init(&t->qf[i]);
	test->priv = t;
	return 0;
}

static void vnetmq_bt_exit(struct kunit *test)
{
	struct vnetmq_bt *t = test->priv;
	unsigned int i;

	if (!t)
		return;
	rtnl_lock();
	vnetmq_backend_detach_all(&t->b);
	rtnl_unlock();
	for (i = 0; i < ARRAY_SIZE(t->qf); i++)
		vnetmq_qfile_purge(&t->qf[i]);
	vnetmq_backends_free(&t->b);
}

/* Publish a file as an attach does, the caller holding RTNL. */
static void vnetmq_bt_publish(struct vnetmq_bt *t, u16 q)
{
	vnetmq_backend_publish(&t->b, q, &t->qf[q]);
	WRITE_ONCE(t->qf[q].state, VNETMQ_QF_ATTACHED);
}

static struct vnetmq_qfile *vnetmq_bt_lookup(struct vnetmq_bt *t, u16 q,
					     unsigned int pairs)
{
	struct vnetmq_qfile *qf;

	rcu_read_lock_bh();
	qf = vnetmq_backend_lookup(&t->b, q, pairs);
	rcu_read_unlock_bh();
	return qf;
}

static void vnetmq_bt_pick(struct kunit *test)
{
	struct vnetmq_bt *t = test->priv;
	unsigned int q;

	rtnl_lock();
	KUNIT_EXPECT_EQ(test, 0, vnetmq_backend_pick(&t->b, VNETMQ_QUEUE_ANY,
						     VNETMQ_BT_PAIRS));
	vnetmq_bt_publish(t, 0);
	KUNIT_EXPECT_EQ(test, 1, vnetmq_backend_pick(&t->b, VNETMQ_QUEUE_ANY,
						     VNETMQ_BT_PAIRS));
	KUNIT_EXPECT_EQ(test, 2, vnetmq_backend_pick(&t->b, 2,
						     VNETMQ_BT_PAIRS));
	KUNIT_EXPECT_EQ(test, -EBUSY, vnetmq_backend_pick(&t->b, 0,
							  VNETMQ_BT_PAIRS));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			vnetmq_backend_pick(&t->b, VNETMQ_BT_PAIRS,
					    VNETMQ_BT_PAIRS));
	/* Bounded by the real queue pairs too, not only by the table. */
	KUNIT_EXPECT_EQ(test, -EINVAL, vnetmq_backend_pick(&t->b, 3, 2));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			vnetmq_backend_pick(&t->b, 0x10000, VNETMQ_BT_PAIRS));
	for (q = 1; q < VNETMQ_BT_PAIRS; q++)
		vnetmq_bt_publish(t, q);
	KUNIT_EXPECT_EQ(test, VNETMQ_BT_PAIRS, t->b.attached);
	KUNIT_EXPECT_EQ(test, -ENOSPC,
			vnetmq_backend_pick(&t->b, VNETMQ_QUEUE_ANY,
					    VNETMQ_BT_PAIRS));
	KUNIT_EXPECT_EQ(test, 2, vnetmq_backend_first_at(&t->b, 2));
	KUNIT_EXPECT_EQ(test, -1, vnetmq_backend_first_at(&t->b,
							  VNETMQ_BT_PAIRS));
	rtnl_unlock();
	/* The queue is set before the file is seen. */
	for (q = 0; q < VNETMQ_BT_PAIRS; q++)
		KUNIT_EXPECT_EQ(test, q, vnetmq_bt_lookup(t, q, 4)->queue);
}

/* tun: a slot was read after the queue count had dropped below it. */
static void vnetmq_bt_slot_after_count_dropped(struct kunit *test)
{
	struct vnetmq_bt *t = test->priv;

	KUNIT_EXPECT_NULL(test, vnetmq_bt_lookup(t, 0, VNETMQ_BT_PAIRS));
	rtnl_lock();
	vnetmq_bt_publish(t, 3);
	rtnl_unlock();
	KUNIT_EXPECT_PTR_EQ(test, &t->qf[3], vnetmq_bt_lookup(t, 3, 4));
	/* ethtool -L took queue pair 3 away: its slot is not looked at. */
	KUNIT_EXPECT_NULL(test, vnetmq_bt_lookup(t, 3, 3));
	KUNIT_EXPECT_NULL(test, vnetmq_bt_lookup(t, 3, 0));
	/* More real queues than the table has: bounded by the table. */
	KUNIT_EXPECT_NULL(test, vnetmq_bt_lookup(t, VNETMQ_BT_PAIRS, 64));
	KUNIT_EXPECT_NULL(test, vnetmq_bt_lookup(t, 2, 4));
}

struct vnetmq_bt_reader {
	struct vnetmq_bt *t;
	struct completion inside;
	struct completion done;
	unsigned int frames_seen;
};

/* Look the file up, and count its frames after staying a while inside. */
static int vnetmq_bt_reader_fn(void *arg)
{
	struct vnetmq_bt_reader *r = arg;
	struct vnetmq_qfile *qf;

	rcu_read_lock_bh();
	qf = vnetmq_backend_lookup(&r->t->b, 1, VNETMQ_BT_PAIRS);
	complete(&r->inside);
	mdelay(50);
	r->frames_seen = qf ? skb_queue_len_lockless(&qf->frames) : 0;
	rcu_read_unlock_bh();
	complete(&r->done);
	return 0;
}

/* tun: a queue's memory was freed while a transmit was still inside. */
static void vnetmq_bt_detach_waits_for_readers(struct kunit *test)
{
	struct vnetmq_bt *t = test->priv;
	struct vnetmq_bt_reader *r;
	struct task_struct *task;
	struct net_device *dev;
	struct sk_buff *skb;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	dev = vnetmq_test_etherdev(test);
	r->t = t;
	init_completion(&r->inside);
	init_completion(&r->done);
	skb = vnetmq_test_frame(test, dev, 60, 1, 0);
	skb_queue_tail(&t->qf[1].frames, skb);
	rtnl_lock();
	vnetmq_bt_publish(t, 1);
	rtnl_unlock();

	task = kthread_run(vnetmq_bt_reader_fn, r, "vnetmq-bt-reader");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	wait_for_completion(&r->inside);
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, 1, vnetmq_backend_detach(&t->b, 1));
	rtnl_unlock();
	wait_for_completion(&r->done);
	/* The reader found the frame: the purge waited for it. */
	KUNIT_EXPECT_EQ(test, 1, r->frames_seen);
	KUNIT_EXPECT_EQ(test, 0, skb_queue_len(&t->qf[1].frames));
	KUNIT_EXPECT_EQ(test, VNETMQ_QF_DETACHED, t->qf[1].state);
	KUNIT_EXPECT_NULL(test, vnetmq_bt_lookup(t, 1, VNETMQ_BT_PAIRS));
}

/* tun's RFC: detach_all cleared the wrong slot and dropped no reference. */
static void vnetmq_bt_detach_all(struct kunit *test)
{
	struct net_device *dev = vnetmq_test_etherdev(test);
	struct vnetmq_bt *t = test->priv;
	unsigned int q;

	/* Holes, and the last slot taken: every one must be found. */
	for (q = 0; q < VNETMQ_BT_PAIRS; q++)
		if (q != 1)
			skb_queue_tail(&t->qf[q].frames,
				       vnetmq_test_frame(test, dev, 60, q, q));
	rtnl_lock();
	for (q = 0; q < VNETMQ_BT_PAIRS; q++)
		if (q != 1)
			vnetmq_bt_publish(t, q);
	KUNIT_EXPECT_EQ(test, VNETMQ_BT_PAIRS - 1,
			vnetmq_backend_detach_all(&t->b));
	KUNIT_EXPECT_EQ(test, 0, t->b.attached);
	for (q = 0; q < VNETMQ_BT_PAIRS; q++)
		KUNIT_EXPECT_NULL(test, vnetmq_backend_get(&t->b, q));
	KUNIT_EXPECT_EQ(test, 0, vnetmq_backend_detach_all(&t->b));
	rtnl_unlock();
	for (q = 0; q < VNETMQ_BT_PAIRS; q++) {
		if (q == 1)
			continue;
		KUNIT_EXPECT_EQ(test, VNETMQ_QF_GONE, t->qf[q].state);
		KUNIT_EXPECT_NULL(test, rcu_access_pointer(t->qf[q].dev));
		KUNIT_EXPECT_EQ(test, 0, skb_queue_len(&t->qf[q].frames));
		KUNIT_EXPECT_TRUE(test, list_empty(&t->qf[q].node));
	}
	KUNIT_EXPECT_EQ(test, VNETMQ_QF_NEW, t->qf[1].state);
}

static void vnetmq_bt_detach_twice(struct kunit *test)
{
	struct vnetmq_bt *t = test->priv;

	rtnl_lock();
	KUNIT_EXPECT_EQ(test, 0, vnetmq_backend_detach(&t->b, 2));
	vnetmq_bt_publish(t, 2);
	KUNIT_EXPECT_EQ(test, 0, vnetmq_backend_detach(&t->b, 2));
	KUNIT_EXPECT_EQ(test, 0, vnetmq_backend_detach(&t->b, 2));
	KUNIT_EXPECT_EQ(test, 0, t->b.attached);
	rtnl_unlock();
}

/* Stop at capacity, wake at half of it, and only while the path is live. */
static void vnetmq_bt_backpressure(struct kunit *test)
{
	struct net_device *dev = vnetmq_test_etherdev(test);
	struct vnetmq_bt *t = test->priv;
	struct vnetmq_qfile *qf = &t->qf[0];
	struct sk_buff *frames[11], *skb;
	const unsigned int size = 8;
	unsigned int i;
	bool wake;

	for (i = 0; i < ARRAY_SIZE(frames); i++)
		frames[i] = vnetmq_test_frame(test, dev, 60, 0, i + 1);
	spin_lock_bh(&qf->frames.lock);
	qf->tx_live = true;
	for (i = 0; i < size - 1; i++)
		KUNIT_EXPECT_FALSE(test,
				   vnetmq_qfile_push(qf, frames[i], size));
	KUNIT_EXPECT_TRUE(test, vnetmq_qfile_push(qf, frames[i], size));
	KUNIT_EXPECT_FALSE(test, vnetmq_qfile_may_start(qf, size));
	for (i = 1; i <= size; i++) {
		skb = vnetmq_qfile_pop(qf, size, &wake);
		KUNIT_EXPECT_EQ(test, i, vnetmq_test_seq(skb));
		KUNIT_EXPECT_EQ(test, size - i <= size / 2, wake);
		kfree_skb(skb);
	}
	KUNIT_EXPECT_NULL(test, vnetmq_qfile_pop(qf, size, &wake));
	KUNIT_EXPECT_FALSE(test, wake);

	/* ethtool -G shrank the file below what it holds: taken, stops. */
	vnetmq_qfile_push(qf, frames[8], size);
	vnetmq_qfile_push(qf, frames[9], size);
	KUNIT_EXPECT_TRUE(test, vnetmq_qfile_push(qf, frames[10], 2));
	KUNIT_EXPECT_EQ(test, 3, skb_queue_len(&qf->frames));

	/* The datapath is paused: the reader may not wake the queue. */
	qf->tx_live = false;
	for (i = 0; i < 3; i++) {
		kfree_skb(vnetmq_qfile_pop(qf, size, &wake));
		KUNIT_EXPECT_FALSE(test, wake);
	}
	spin_unlock_bh(&qf->frames.lock);
}

/* Written frames: kept out while the NAPI is down, and off the headroom. */
static void vnetmq_bt_ring_inject(struct kunit *test)
{
	struct net_device *dev = vnetmq_test_etherdev(test);
	struct vnetmq_ring ring;
	struct sk_buff *skb[8];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(skb); i++)
		skb[i] = vnetmq_test_frame(test, dev, 60, VNETMQ_TXQ_NONE, i);
	vnetmq_ring_init(&ring, 8);
	local_bh_disable();
	KUNIT_EXPECT_EQ(test, -ENETDOWN, vnetmq_ring_inject(&ring, skb[7], 2));
	local_bh_enable();
	/* A writer waiting for a closed ring sleeps until it opens. */
	KUNIT_EXPECT_FALSE(test, vnetmq_ring_writable(&ring, 2));

	vnetmq_ring_set_open(&ring, true);
	local_bh_disable();
	for (i = 0; i < 6; i++)
		KUNIT_EXPECT_EQ(test, 0, vnetmq_ring_inject(&ring, skb[i], 2));
	/* 6 held, 2 free for the TX queues: a seventh would eat into them. */
	KUNIT_EXPECT_EQ(test, -ENOBUFS, vnetmq_ring_inject(&ring, skb[6], 2));
	local_bh_enable();
	KUNIT_EXPECT_FALSE(test, vnetmq_ring_writable(&ring, 2));
	KUNIT_EXPECT_TRUE(test, vnetmq_ring_writable(&ring, 1));
	local_bh_disable();
	KUNIT_EXPECT_EQ(test, 0, vnetmq_ring_inject(&ring, skb[6], 1));
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, 7, skb_queue_len(&ring.skbs));

	/* Closed (the NAPI went down): refused, whatever the room. */
	skb_queue_purge(&ring.skbs);
	vnetmq_ring_set_open(&ring, false);
	local_bh_disable();
	KUNIT_EXPECT_EQ(test, -ENETDOWN, vnetmq_ring_inject(&ring, skb[7], 0));
	local_bh_enable();
	KUNIT_EXPECT_FALSE(test, vnetmq_ring_writable(&ring, 0));
	kfree_skb(skb[7]);
}

struct vnetmq_bt_napi {
	struct vnetmq_rxq rq;
	unsigned int completed[VNETMQ_BT_PAIRS];
	unsigned int received;
	bool bad_txq;
};

static void vnetmq_bt_napi_receive(struct vnetmq_rxq *rq, struct sk_buff *skb)
{
	container_of(rq, struct vnetmq_bt_napi, rq)->received++;
	kfree_skb(skb);
}

static void vnetmq_bt_napi_tx_done(struct vnetmq_rxq *rq, u16 txq,
				   unsigned int pkts, unsigned int bytes)
{
	struct vnetmq_bt_napi *f = container_of(rq, struct vnetmq_bt_napi, rq);

	if (txq < VNETMQ_BT_PAIRS)
		f->completed[txq] += pkts;
	else
		f->bad_txq = true;
}

static bool vnetmq_bt_napi_complete(struct vnetmq_rxq *rq, int work)
{
	return true;
}

static void vnetmq_bt_napi_reschedule(struct vnetmq_rxq *rq)
{
}

static const struct vnetmq_napi_ops vnetmq_bt_napi_ops = {
	.receive	= vnetmq_bt_napi_receive,
	.tx_done	= vnetmq_bt_napi_tx_done,
	.complete	= vnetmq_bt_napi_complete,
	.reschedule	= vnetmq_bt_napi_reschedule,
};

static const u16 vnetmq_bt_txqs[] = {
	1, VNETMQ_TXQ_NONE, VNETMQ_TXQ_NONE, 1, VNETMQ_TXQ_NONE, 3,
};

/* A written frame is received but completes no TX queue (no BQL skew). */
static void vnetmq_bt_poll_written_frames(struct kunit *test)
{
	struct net_device *dev = vnetmq_test_etherdev(test);
	struct sk_buff *skb[ARRAY_SIZE(vnetmq_bt_txqs)];
	struct vnetmq_bt_napi *f;
	unsigned int i;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	vnetmq_rxq_init(&f->rq, dev, 0, 16);
	for (i = 0; i < ARRAY_SIZE(skb); i++)
		skb[i] = vnetmq_test_frame(test, dev, 60, vnetmq_bt_txqs[i], i);
	local_bh_disable();
	for (i = 0; i < ARRAY_SIZE(skb); i++)
		vnetmq_ring_produce(&f->rq.ring[0], skb[i]);
	KUNIT_EXPECT_EQ(test, 6, vnetmq_rx_poll(&f->rq, 64,
						&vnetmq_bt_napi_ops));
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, 6, f->received);
	KUNIT_EXPECT_EQ(test, 2, f->completed[1]);
	KUNIT_EXPECT_EQ(test, 1, f->completed[3]);
	KUNIT_EXPECT_FALSE(test, f->bad_txq);
}

static struct sk_buff *vnetmq_bt_frame_len(struct kunit *test,
					   struct net_device *dev,
					   unsigned int len, __be16 proto)
{
	struct sk_buff *skb = vnetmq_test_frame(test, dev, len, 0, 0);

	eth_hdr(skb)->h_proto = proto;
	return skb;
}

/* Written frames must fit the MTU (and a VLAN tag, if they carry one). */
static void vnetmq_bt_inject_prep(struct kunit *test)
{
	__be16 ip = htons(ETH_P_IP), vlan = htons(ETH_P_8021Q);
	struct net_device *dev = vnetmq_test_etherdev(test);
	unsigned int mtu = dev->mtu;
	struct sk_buff *skb;

	skb = vnetmq_bt_frame_len(test, dev, mtu + ETH_HLEN, ip);
	KUNIT_EXPECT_EQ(test, SKB_NOT_DROPPED_YET,
			vnetmq_skb_inject_prep(dev, skb));
	KUNIT_EXPECT_EQ(test, VNETMQ_TXQ_NONE, skb_get_queue_mapping(skb));
	KUNIT_EXPECT_PTR_EQ(test, dev, skb->dev);
	kfree_skb(skb);

	skb = vnetmq_bt_frame_len(test, dev, mtu + ETH_HLEN + 1, ip);
	KUNIT_EXPECT_EQ(test, SKB_DROP_REASON_PKT_TOO_BIG,
			vnetmq_skb_inject_prep(dev, skb));
	kfree_skb(skb);

	skb = vnetmq_bt_frame_len(test, dev, mtu + VLAN_ETH_HLEN, vlan);
	KUNIT_EXPECT_EQ(test, SKB_NOT_DROPPED_YET,
			vnetmq_skb_inject_prep(dev, skb));
	kfree_skb(skb);

	skb = vnetmq_bt_frame_len(test, dev, mtu + VLAN_ETH_HLEN + 1, vlan);
	KUNIT_EXPECT_EQ(test, SKB_DROP_REASON_PKT_TOO_BIG,
			vnetmq_skb_inject_prep(dev, skb));
	kfree_skb(skb);

	skb = vnetmq_bt_frame_len(test, dev, 3 * mtu, ip);
	skb_shinfo(skb)->gso_size = mtu - 40;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
	KUNIT_EXPECT_EQ(test, SKB_NOT_DROPPED_YET,
			vnetmq_skb_inject_prep(dev, skb));
	kfree_skb(skb);
}

/* What a file without vnet headers cannot carry is resolved or refused. */
static void vnetmq_bt_qfile_prep(struct kunit *test)
{
	struct net_device *dev = vnetmq_test_etherdev(test);
	struct sk_buff *skb;

	skb = vnetmq_test_frame(test, dev, 200, 0, 0);
	skb_shinfo(skb)->gso_size = 100;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
	KUNIT_EXPECT_EQ(test, SKB_DROP_REASON_SKB_BAD_GSO,
			vnetmq_skb_qfile_prep(skb, false));
	KUNIT_EXPECT_EQ(test, SKB_NOT_DROPPED_YET,
			vnetmq_skb_qfile_prep(skb, true));
	KUNIT_EXPECT_TRUE(test, skb_is_gso(skb));
	kfree_skb(skb);

	/* BIG TCP: no virtio_net_hdr describes a frame above 64 KiB. */
	skb = vnetmq_test_frame(test, dev, GSO_LEGACY_MAX_SIZE + 100, 0, 0);
	skb_shinfo(skb)->gso_size = 1400;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
	KUNIT_EXPECT_EQ(test, SKB_DROP_REASON_SKB_BAD_GSO,
			vnetmq_skb_qfile_prep(skb, true));
	kfree_skb(skb);

	/* Tunnelled, or of a type a virtio_net_hdr has no name for. */
	skb = vnetmq_test_frame(test, dev, 200, 0, 0);
	skb_shinfo(skb)->gso_size = 100;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4 | SKB_GSO_UDP_TUNNEL;
	skb->encapsulation = 1;
	KUNIT_EXPECT_EQ(test, SKB_DROP_REASON_SKB_BAD_GSO,
			vnetmq_skb_qfile_prep(skb, true));
	skb->encapsulation = 0;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4 | SKB_GSO_TCP_ACCECN;
	KUNIT_EXPECT_EQ(test, SKB_DROP_REASON_SKB_BAD_GSO,
			vnetmq_skb_qfile_prep(skb, true));
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV6 | SKB_GSO_TCP_ECN;
	KUNIT_EXPECT_EQ(test, SKB_NOT_DROPPED_YET,
			vnetmq_skb_qfile_prep(skb, true));
	kfree_skb(skb);

	skb = vnetmq_test_frame(test, dev, 200, 0, 0);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_headroom(skb) + ETH_HLEN;
	skb->csum_offset = 16;
	KUNIT_EXPECT_EQ(test, SKB_NOT_DROPPED_YET,
			vnetmq_skb_qfile_prep(skb, false));
	KUNIT_EXPECT_TRUE(test, skb->ip_summed == CHECKSUM_NONE);
	kfree_skb(skb);

	skb = vnetmq_test_frame(test, dev, 200, 0, 0);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_headroom(skb) + ETH_HLEN;
	skb->csum_offset = 16;
	KUNIT_EXPECT_EQ(test, SKB_NOT_DROPPED_YET,
			vnetmq_skb_qfile_prep(skb, true));
	KUNIT_EXPECT_TRUE(test, skb->ip_summed == CHECKSUM_PARTIAL);
	kfree_skb(skb);
}

struct vnetmq_bt_race {
	struct vnetmq_bt *t;
	atomic_t stop;
	unsigned long lookups, found, torn;
};

static int vnetmq_bt_race_fn(void *arg)
{
	struct vnetmq_bt_race *r = arg;
	struct vnetmq_qfile *qf;
	u16 q;

	while (!atomic_read(&r->stop)) {
		for (q = 0; q < VNETMQ_BT_PAIRS; q++) {
			rcu_read_lock_bh();
			qf = vnetmq_backend_lookup(&r->t->b, q,
						   VNETMQ_BT_PAIRS);
			if (qf) {
				r->found++;
				/* Published whole: its queue is already set. */
				if (READ_ONCE(qf->queue) != q)
					r->torn++;
			}
			rcu_read_unlock_bh();
			r->lookups++;
		}
		cond_resched();
	}
	return 0;
}

/*
 * Attach and detach from one kthread while another looks the slots up:
 * files are freed right after their detach, so a detach that did not
 * wait for the readers would be a use-after-free KASAN reports.
 */
static void vnetmq_bt_race_lookups(struct kunit *test)
{
	struct vnetmq_bt *t = test->priv;
	struct vnetmq_bt_race *r;
	struct task_struct *task;
	struct vnetmq_qfile *qf;
	unsigned int i;
	u16 q;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->t = t;
	task = kthread_run(vnetmq_bt_race_fn, r, "vnetmq-bt-race");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	get_task_struct(task);
	for (i = 0; i < 400; i++) {
		q = i % VNETMQ_BT_PAIRS;
		qf = kzalloc_obj(*qf);
		if (!qf)
			break;
		vnetmq_qfile_init(qf);
		rtnl_lock();
		vnetmq_backend_publish(&t->b, q, qf);
		WRITE_ONCE(qf->state, VNETMQ_QF_ATTACHED);
		if (i % 3)
			vnetmq_backend_detach(&t->b, q);
		else
			vnetmq_backend_detach_all(&t->b);
		rtnl_unlock();
		kfree(qf);
	}
	atomic_set(&r->stop, 1);
	kthread_stop(task);
	put_task_struct(task);
	kunit_info(test, "%lu lookups, %lu found a file, %lu torn\n",
		   r->lookups, r->found, r->torn);
	KUNIT_EXPECT_EQ(test, 400, i);
	KUNIT_EXPECT_EQ(test, 0, r->torn);
	KUNIT_EXPECT_GT(test, r->lookups, 0);
}

/* A registered, running device with queue files. */
static struct net_device *vnetmq_bt_device(struct kunit *test)
{
	struct net_device *dev;
	int err;

	dev = alloc_netdev_mqs(sizeof(struct vnetmq_priv), "vnetmqbt%d",
			       NET_NAME_ENUM, vnetmq_link_ops.setup, 4, 2);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	dev->rtnl_link_ops = &vnetmq_link_ops;
	/* No IPv6 (below its minimum MTU): its DAD and MLD frames would
	 * join the test's own on the TX queues, when the timers fire.
	 */
	dev->mtu = IPV6_MIN_MTU - 1;
	rtnl_lock();
	err = register_netdevice(dev);
	if (!err)
		err = dev_open(dev, NULL);
	rtnl_unlock();
	if (err && dev->reg_state == NETREG_UNINITIALIZED)
		free_netdev(dev);
	KUNIT_ASSERT_EQ(test, 0, err);
	return dev;
}

static void vnetmq_bt_unregister(struct net_device *dev)
{
	rtnl_lock();
	unregister_netdevice(dev);
	rtnl_unlock();
}

static bool vnetmq_bt_napis_enabled(struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	unsigned int i;

	for (i = 0; i < dev->real_num_rx_queues; i++)
		if (test_bit(NAPI_STATE_DISABLE, &priv->rxq[i].napi.state) ||
		    !priv->rxq[i].ring[0].open)
			return false;
	return true;
}

/*
 * tun: NAPI left enabled on a detached queue, disabled twice on detach
 * then close, not deleted at destruction; and a stopped TX queue never
 * woken after re-attach.
 */
static void vnetmq_bt_device_lifetime(struct kunit *test)
{
	struct net_device *dev = vnetmq_bt_device(test);
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct netdev_queue *txq = netdev_get_tx_queue(dev, 1);
	struct vnetmq_qfile *qf;
	unsigned int n = 0;

	qf = kunit_kzalloc(test, sizeof(*qf), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, qf);
	vnetmq_qfile_init(qf);
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, 1, vnetmq_attach_qfile(dev, qf, 1, 0));
	/* ethtool -L may not take the attached queue pair away. */
	KUNIT_EXPECT_EQ(test, -EBUSY, vnetmq_set_queues(dev, 4, 1));
	rtnl_unlock();
	KUNIT_EXPECT_TRUE(test, vnetmq_bt_napis_enabled(dev));

	/* Nobody reads: TX queue 1 fills the file and stops. */
	while (n < VNETMQ_MAX_RING_SIZE && vnetmq_test_xmit(test, dev, 1, n))
		n++;
	KUNIT_EXPECT_EQ(test, priv->ring_size, n);
	KUNIT_EXPECT_EQ(test, n, skb_queue_len(&qf->frames));
	KUNIT_EXPECT_TRUE(test, netif_tx_queue_stopped(txq));

	rtnl_lock();
	vnetmq_detach_qfile(dev, qf);
	KUNIT_EXPECT_EQ(test, VNETMQ_QF_DETACHED, qf->state);
	KUNIT_EXPECT_EQ(test, 0, skb_queue_len(&qf->frames));
	KUNIT_EXPECT_FALSE(test, netif_tx_queue_stopped(txq));
	KUNIT_EXPECT_TRUE(test, vnetmq_bt_napis_enabled(dev));
	KUNIT_EXPECT_EQ(test, 1, vnetmq_attach_qfile(dev, qf, 1, 0));
	KUNIT_EXPECT_FALSE(test, netif_tx_queue_stopped(txq));
	dev_close(dev);
	/* Down: the NAPIs are gone and the file was emptied. */
	KUNIT_EXPECT_TRUE(test, list_empty(&dev->napi_list));
	vnetmq_detach_qfile(dev, qf);
	rtnl_unlock();
	vnetmq_bt_unregister(dev);
	KUNIT_EXPECT_EQ(test, VNETMQ_QF_DETACHED, qf->state);
}

/* tun: frames injected after IFF_UP went away; a written frame leaking. */
static void vnetmq_bt_inject_when_down(struct kunit *test)
{
	struct net_device *dev = vnetmq_bt_device(test);
	struct rtnl_link_stats64 st;
	struct sk_buff *skb;
	int err;

	rtnl_lock();
	dev_close(dev);
	rtnl_unlock();
	skb = vnetmq_test_frame(test, dev, 60, 0, 0);
	skb_get(skb);
	rcu_read_lock_bh();
	err = vnetmq_inject(dev, 0, skb);
	rcu_read_unlock_bh();
	KUNIT_EXPECT_EQ(test, 0, err);
	/* The device dropped its reference: only ours is left. */
	KUNIT_EXPECT_EQ(test, 1, refcount_read(&skb->users));
	kfree_skb(skb);
	dev_get_stats(dev, &st);
	KUNIT_EXPECT_EQ(test, 1, st.rx_dropped);
	vnetmq_bt_unregister(dev);
}

/* Files outlive their device: deleting it cuts them off for good. */
static void vnetmq_bt_device_gone(struct kunit *test)
{
	struct net_device *dev = vnetmq_bt_device(test);
	struct vnetmq_qfile *qf;

	qf = kunit_kzalloc(test, sizeof(*qf), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, qf);
	vnetmq_qfile_init(qf);
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, 0, vnetmq_attach_qfile(dev, qf,
						     VNETMQ_QUEUE_ANY,
						     VNETMQ_F_VNET_HDR));
	rtnl_unlock();
	vnetmq_test_xmit(test, dev, 0, 0);
	KUNIT_EXPECT_EQ(test, 1, skb_queue_len(&qf->frames));
	vnetmq_bt_unregister(dev);
	KUNIT_EXPECT_EQ(test, VNETMQ_QF_GONE, qf->state);
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(qf->dev));
	KUNIT_EXPECT_EQ(test, 0, skb_queue_len(&qf->frames));
}

static int vnetmq_bt_fail_post_init(struct notifier_block *nb,
				    unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (event == NETDEV_POST_INIT && vnetmq_is_vnetmq(dev))
		return notifier_from_errno(-ENOSPC);
	return NOTIFY_DONE;
}

/* tun: a failed registration freed the queues twice. */
static void vnetmq_bt_register_fails(struct kunit *test)
{
	struct notifier_block nb = {
		.notifier_call = vnetmq_bt_fail_post_init,
	};
	struct net_device *dev;
	int err;

	dev = alloc_netdev_mqs(sizeof(struct vnetmq_priv), "vnetmqbt%d",
			       NET_NAME_ENUM, vnetmq_link_ops.setup, 4, 2);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	dev->rtnl_link_ops = &vnetmq_link_ops;
	KUNIT_ASSERT_EQ(test, 0, register_netdevice_notifier(&nb));
	rtnl_lock();
	err = register_netdevice(dev);
	rtnl_unlock();
	unregister_netdevice_notifier(&nb);
	KUNIT_EXPECT_EQ(test, -ENOSPC, err);
	/* ndo_uninit and the destructor ran; free_netdev must be safe. */
	free_netdev(dev);
}

static struct kunit_case vnetmq_bt_cases[] = {
	KUNIT_CASE(vnetmq_bt_pick),
	KUNIT_CASE(vnetmq_bt_slot_after_count_dropped),
	KUNIT_CASE(vnetmq_bt_detach_waits_for_readers),
	KUNIT_CASE(vnetmq_bt_detach_all),
	KUNIT_CASE(vnetmq_bt_detach_twice),
	KUNIT_CASE(vnetmq_bt_backpressure),
	KUNIT_CASE(vnetmq_bt_ring_inject),
	KUNIT_CASE(vnetmq_bt_poll_written_frames),
	KUNIT_CASE(vnetmq_bt_inject_prep),
	KUNIT_CASE(vnetmq_bt_qfile_prep),
	KUNIT_CASE_SLOW(vnetmq_bt_race_lookups),
	KUNIT_CASE(vnetmq_bt_device_lifetime),
	KUNIT_CASE(vnetmq_bt_inject_when_down),
	KUNIT_CASE(vnetmq_bt_device_gone),
	KUNIT_CASE(vnetmq_bt_register_fails),
	{}
};

static struct kunit_suite vnetmq_bt_suite = {
	.name = "vnetmq_backend",
	.init = vnetmq_bt_init,
	.exit = vnetmq_bt_exit,
	.test_cases = vnetmq_bt_cases,
};

kunit_test_suite(vnetmq_bt_suite);
