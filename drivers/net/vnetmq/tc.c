// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnetmq traffic classes, offloaded from mqprio in DCB mode.
 *
 * Class c owns a range of TX queues and, on every RX queue, a ring of
 * its own holding an equal share of the RX queue's ring space.  A TX
 * queue stops when *its* ring is nearly full, so a flood in one class
 * never stops another class's queues; and the NAPI poll serves the rings
 * by strict priority, the highest class first, so a flood cannot take
 * another class's poll time either (see vnetmq_rx_poll()).
 */

#include <kunit/visibility.h>
#include <net/pkt_sched.h>

#include "vnetmq.h"

static int vnetmq_tc_check_queues(const struct tc_mqprio_qopt *qopt,
				  unsigned int real_num_tx_queues,
				  struct netlink_ext_ack *extack)
{
	unsigned int c, d;

	for (c = 0; c < qopt->num_tc; c++) {
		unsigned int end = qopt->offset[c] + qopt->count[c];

		if (!qopt->count[c]) {
			NL_SET_ERR_MSG_FMT_MOD(extack,
					       "traffic class %u has no TX queue",
					       c);
			return -EINVAL;
		}
		if (end > real_num_tx_queues) {
			NL_SET_ERR_MSG_FMT_MOD(extack,
					       "traffic class %u needs TX queues %u-%u; the device has %u",
					       c, qopt->offset[c], end - 1,
					       real_num_tx_queues);
			return -EINVAL;
		}
		for (d = 0; d < c; d++) {
			unsigned int d_end = qopt->offset[d] + qopt->count[d];

			if (qopt->offset[d] < end && qopt->offset[c] < d_end) {
				NL_SET_ERR_MSG_FMT_MOD(extack,
						       "traffic classes %u and %u share TX queues",
						       d, c);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/**
 * vnetmq_tc_check() - whether vnetmq can offload an mqprio configuration
 * @mqprio: the configuration; num_tc 0 (back to no classes) always fits
 * @real_num_tx_queues: the device's TX queue count
 * @extack: where to say why not
 *
 * vnetmq offloads the classes, their queue ranges and the priority map
 * (DCB mode), not rate limits nor frame preemption.  Each class needs at
 * least one TX queue of its own.  A TX queue may stay out of every
 * range; it then belongs to class 0.
 *
 * Return: 0, -EOPNOTSUPP for a mode or option vnetmq lacks, -EINVAL for
 * a map that does not fit the device's queues.
 */
int vnetmq_tc_check(const struct tc_mqprio_qopt_offload *mqprio,
		    unsigned int real_num_tx_queues,
		    struct netlink_ext_ack *extack)
{
	const struct tc_mqprio_qopt *qopt = &mqprio->qopt;
	unsigned int p;

	if (!qopt->num_tc)
		return 0;
	if (mqprio->mode != TC_MQPRIO_MODE_DCB ||
	    mqprio->shaper != TC_MQPRIO_SHAPER_DCB || mqprio->flags) {
		NL_SET_ERR_MSG_MOD(extack,
				   "only mqprio's dcb mode is offloaded: vnetmq has no rate limits");
		return -EOPNOTSUPP;
	}
	if (mqprio->preemptible_tcs) {
		NL_SET_ERR_MSG_MOD(extack, "vnetmq has no frame preemption");
		return -EOPNOTSUPP;
	}
	if (qopt->num_tc > VNETMQ_MAX_TC) {
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "%u traffic classes: vnetmq has at most %u",
				       qopt->num_tc, VNETMQ_MAX_TC);
		return -EINVAL;
	}
	for (p = 0; p <= TC_BITMASK; p++) {
		if (qopt->prio_tc_map[p] >= qopt->num_tc) {
			NL_SET_ERR_MSG_FMT_MOD(extack,
					       "priority %u maps to class %u of %u",
					       p, qopt->prio_tc_map[p],
					       qopt->num_tc);
			return -EINVAL;
		}
	}
	return vnetmq_tc_check_queues(qopt, real_num_tx_queues, extack);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_tc_check);

/**
 * vnetmq_tc_set() - record a configuration vnetmq_tc_check() accepted
 * @tc: the device's classes
 * @mqprio: the configuration
 */
void vnetmq_tc_set(struct vnetmq_tc *tc,
		   const struct tc_mqprio_qopt_offload *mqprio)
{
	unsigned int c;

	memset(tc, 0, sizeof(*tc));
	tc->num_tc = mqprio->qopt.num_tc;
	for (c = 0; c < tc->num_tc; c++) {
		tc->count[c] = mqprio->qopt.count[c];
		tc->offset[c] = mqprio->qopt.offset[c];
	}
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_tc_set);

/**
 * vnetmq_tc_of_txq() - the traffic class of a TX queue
 * @tc: the device's classes
 * @txq: a TX queue index
 *
 * Return: the class whose range holds @txq, else 0.
 */
u8 vnetmq_tc_of_txq(const struct vnetmq_tc *tc, u16 txq)
{
	u8 c;

	for (c = 0; c < tc->num_tc; c++)
		if (txq >= tc->offset[c] && txq - tc->offset[c] < tc->count[c])
			return c;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_tc_of_txq);

/**
 * vnetmq_tc_last_txq() - the TX queue count the classes need
 * @tc: the device's classes
 *
 * Return: one past the highest TX queue any class owns, 0 without
 * classes.  ethtool -L may not go below it.
 */
unsigned int vnetmq_tc_last_txq(const struct vnetmq_tc *tc)
{
	unsigned int c, end = 0;

	for (c = 0; c < tc->num_tc; c++)
		end = max(end, (unsigned int)tc->offset[c] + tc->count[c]);
	return end;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_tc_last_txq);

/**
 * vnetmq_tc_nr_rings() - rings each RX queue needs
 * @tc: the device's classes
 *
 * Return: the class count, or 1 without classes.
 */
unsigned int vnetmq_tc_nr_rings(const struct vnetmq_tc *tc)
{
	return max_t(unsigned int, tc->num_tc, 1);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_tc_nr_rings);

/**
 * vnetmq_txq_map_build() - work out every real TX queue's ring
 * @map: real_num_tx_queues entries to fill
 * @tc: the device's classes
 * @real_num_tx_queues: TX queue count
 * @real_num_rx_queues: RX queue count, at least 1
 *
 * TX queue q goes to RX queue vnetmq_rxq_for_txq(q), onto the ring of
 * its class; its stop headroom is the number of TX queues feeding that
 * ring: without classes, every TX queue of its RX queue.
 *
 * Context: the caller keeps the datapath from reading @map meanwhile.
 */
void vnetmq_txq_map_build(struct vnetmq_txq_map *map,
			  const struct vnetmq_tc *tc,
			  unsigned int real_num_tx_queues,
			  unsigned int real_num_rx_queues)
{
	unsigned int q, p, n;

	/* Writers of queue files read an entry without a lock, and find
	 * the rings closed while it changes (WRITE_ONCE() for them).
	 */
	for (q = 0; q < real_num_tx_queues; q++) {
		WRITE_ONCE(map[q].rxq,
			   vnetmq_rxq_for_txq(q, real_num_rx_queues));
		WRITE_ONCE(map[q].tc, vnetmq_tc_of_txq(tc, q));
	}
	/* Quadratic, but at most VNETMQ_MAX_QUEUES, on the control path. */
	for (q = 0; q < real_num_tx_queues; q++) {
		n = 0;
		for (p = 0; p < real_num_tx_queues; p++)
			if (map[p].rxq == map[q].rxq && map[p].tc == map[q].tc)
				n++;
		WRITE_ONCE(map[q].feeders, n);
	}
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_txq_map_build);

/**
 * vnetmq_tc_ring_min_size() - smallest RX ring space a mapping allows
 * @map: the real TX queues' mapping, from vnetmq_txq_map_build()
 * @real_num_tx_queues: its entries
 * @nr_rings: rings per RX queue, vnetmq_tc_nr_rings()
 *
 * Each ring must hold its feeders' stop headroom twice over, so a
 * stopped TX queue can be woken with room to spare, and every ring of an
 * RX queue has the same share of its space.
 *
 * Return: the minimum ring space per RX queue, in frames.
 */
unsigned int vnetmq_tc_ring_min_size(const struct vnetmq_txq_map *map,
				     unsigned int real_num_tx_queues,
				     unsigned int nr_rings)
{
	unsigned int q, feeders = 1;

	for (q = 0; q < real_num_tx_queues; q++)
		feeders = max_t(unsigned int, feeders, map[q].feeders);
	return nr_rings * 2 * feeders;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_tc_ring_min_size);

/**
 * vnetmq_tc_ring_share() - the size of each ring of an RX queue
 * @size: the RX queue's ring space (ethtool -G rx)
 * @nr_rings: rings per RX queue
 *
 * Return: @size shared equally among @nr_rings rings.
 */
unsigned int vnetmq_tc_ring_share(unsigned int size, unsigned int nr_rings)
{
	return size / nr_rings;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_tc_ring_share);
