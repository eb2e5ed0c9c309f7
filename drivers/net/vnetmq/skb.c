// SPDX-License-Identifier: GPL-2.0-only
/* vnetmq skb handling: what happens to a frame between xmit and receive. */

#include <kunit/visibility.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/sock.h>

#include "vnetmq.h"

/**
 * vnetmq_skb_xmit_prep() - make a transmitted skb fit to be received
 * @dev: the receiving vnetmq device: the sender itself, or its peer
 * @skb: the skb from ndo_start_xmit, whose skb->dev is the sender; not
 *	freed here
 *
 * The skb itself crosses to the RX side, not a copy: pages lent by a
 * zerocopy sender are copied first (the receiver may keep them), and
 * what belonged to the transmit path (dst, conntrack, extensions, the
 * priority the sender's qdisc went by) is dropped as __dev_forward_skb()
 * does.  Mark and timestamp stay, unless the frame crosses into another
 * netns (a pair's ends may be in two).  GSO skbs cross unsegmented; the
 * checksum state, frags, frag_list and any VLAN tag are left as they are.
 *
 * The size rule is is_skb_forwardable()'s, against the receiver's MTU,
 * without its IFF_UP test: a pair's datapath runs only while both ends
 * are up.
 *
 * Return: SKB_NOT_DROPPED_YET, or why the caller must drop @skb: it
 * cannot hold an Ethernet header, or a non-GSO frame exceeds the MTU
 * (plus a VLAN tag), or copying zerocopy pages failed.
 */
enum skb_drop_reason vnetmq_skb_xmit_prep(struct net_device *dev,
					  struct sk_buff *skb)
{
	unsigned int max_len = READ_ONCE(dev->mtu) + dev->hard_header_len +
			       VLAN_HLEN;

	if (unlikely(!pskb_may_pull(skb, ETH_HLEN)))
		return SKB_DROP_REASON_PKT_TOO_SMALL;
	if (unlikely(skb->len > max_len && !skb_is_gso(skb)))
		return SKB_DROP_REASON_PKT_TOO_BIG;
	if (unlikely(skb_orphan_frags_rx(skb, GFP_ATOMIC)))
		return SKB_DROP_REASON_NOMEM;
	skb_scrub_packet(skb, !net_eq(dev_net(skb->dev), dev_net(dev)));
	skb->priority = 0;
	return SKB_NOT_DROPPED_YET;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_skb_xmit_prep);

/**
 * vnetmq_skb_rx_prep() - turn a frame taken off a ring into a received skb
 * @dev: the vnetmq device
 * @skb: a frame that passed vnetmq_skb_xmit_prep()
 * @rxq: the RX queue it is received on
 *
 * Pulls the Ethernet header (setting protocol, pkt_type and the MAC
 * header), keeps a CHECKSUM_COMPLETE value true for what remains, and
 * records @rxq, overwriting the TX queue the skb carried until now.  A
 * frame still charged to its sending socket keeps the charge (TCP Small
 * Queues counts on its release) but is marked for GRO's slow path, which
 * never merges it into another flow's frame; any other owner lets go.
 */
void vnetmq_skb_rx_prep(struct net_device *dev, struct sk_buff *skb, u16 rxq)
{
	skb->protocol = eth_type_trans(skb, dev);
	skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);
	skb_record_rx_queue(skb, rxq);
	skb_prepare_for_gro(skb);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_skb_rx_prep);

/**
 * vnetmq_skb_qfile_prep() - make a transmitted frame fit for a queue file
 * @skb: a frame that passed vnetmq_skb_xmit_prep(); not freed here
 * @vnet_hdr: the file carries a virtio_net_hdr with each frame
 *
 * The frame may wait in the file for as long as its reader likes, so it
 * stops charging its sender's socket.  Without a vnet header the file
 * cannot say that a frame is GSO or needs its checksum completed: the
 * checksum is completed here, and a GSO frame (the core segments them for
 * such a file; one validated before the file attached can still come) is
 * dropped.  So is a GSO frame no virtio_net_hdr describes, which the core
 * would have segmented had the file been there at validation: larger
 * than 64 KiB (BIG TCP: it would block the file's every read), tunnelled
 * (the header has no inner offsets), or of another type than TCP (ECN
 * too) or UDP segmentation.
 *
 * Return: SKB_NOT_DROPPED_YET, or why the caller must drop @skb.
 */
enum skb_drop_reason vnetmq_skb_qfile_prep(struct sk_buff *skb, bool vnet_hdr)
{
	const unsigned int vnet_gso = SKB_GSO_TCPV4 | SKB_GSO_TCPV6 |
				      SKB_GSO_TCP_ECN | SKB_GSO_UDP_L4 |
				      SKB_GSO_DODGY;

	if (unlikely(skb_is_gso(skb) &&
		     (!vnet_hdr || skb->len > GSO_LEGACY_MAX_SIZE ||
		      skb->encapsulation ||
		      (skb_shinfo(skb)->gso_type & ~vnet_gso))))
		return SKB_DROP_REASON_SKB_BAD_GSO;
	if (!vnet_hdr && skb->ip_summed == CHECKSUM_PARTIAL &&
	    skb_checksum_help(skb))
		return SKB_DROP_REASON_SKB_CSUM;
	skb_orphan(skb);
	return SKB_NOT_DROPPED_YET;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_skb_qfile_prep);

/**
 * vnetmq_skb_inject_prep() - make a frame written to a queue file receivable
 * @dev: the device the file serves
 * @skb: the frame, linear for at least its Ethernet header, its GSO and
 *	checksum state already taken from the vnet header; not freed here
 *
 * A frame that is not GSO must fit the MTU, plus a VLAN tag if it carries
 * one.  The frame is marked as transmitted on no TX queue, so the poll
 * completes nothing for it.
 *
 * Return: SKB_NOT_DROPPED_YET, or why the caller must drop @skb.
 */
enum skb_drop_reason vnetmq_skb_inject_prep(struct net_device *dev,
					    struct sk_buff *skb)
{
	unsigned int max_len = READ_ONCE(dev->mtu) + ETH_HLEN;

	skb_reset_mac_header(skb);
	if (eth_type_vlan(eth_hdr(skb)->h_proto))
		max_len += VLAN_HLEN;
	if (skb->len > max_len && !skb_is_gso(skb))
		return SKB_DROP_REASON_PKT_TOO_BIG;
	skb->dev = dev;
	skb_set_queue_mapping(skb, VNETMQ_TXQ_NONE);
	return SKB_NOT_DROPPED_YET;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_skb_inject_prep);

/**
 * vnetmq_skb_gro_ok() - whether a received frame may go through GRO
 * @skb: a frame after vnetmq_skb_rx_prep()
 *
 * GRO rewrites the head and the shared info of the frames it merges.  A
 * transmitted frame can be a clone (a packet tap's, as dev_queue_xmit_nit()
 * makes for tcpdump; TCP's own) or shared, and writing there would corrupt
 * the other holder's copy and leak the merged heads.  A clone gets a head
 * of its own if memory allows; a shared frame, or a clone that could not
 * be given one, is received without GRO, as veth does.
 *
 * Context: softirq (the head is copied with GFP_ATOMIC).
 * Return: true if @skb is neither shared nor cloned now.
 */
bool vnetmq_skb_gro_ok(struct sk_buff *skb)
{
	return !skb_shared(skb) && !skb_unclone(skb, GFP_ATOMIC);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_skb_gro_ok);

/*
 * The headers each wire frame of GSO frame @skb repeats, as the core
 * counts them for a qdisc (qdisc_pkt_len_segs_init()): up to the end of
 * the TCP or UDP header, the inner one if encapsulated.  0 without a
 * transport header to go by.
 */
static unsigned int vnetmq_gso_hdr_len(const struct sk_buff *skb)
{
	unsigned int type = skb_shinfo(skb)->gso_type;
	const struct tcphdr *th;
	struct tcphdr _th;
	int len;

	if (!skb_transport_header_was_set(skb))
		return 0;
	len = skb->encapsulation ? skb_inner_transport_offset(skb) :
				   skb_transport_offset(skb);
	if (len < 0)
		return 0;
	if (type & (SKB_GSO_TCPV4 | SKB_GSO_TCPV6)) {
		/* Not every caller of ndo_start_xmit validated the frame
		 * (qdisc_pkt_len_segs_init() does): read it with care.
		 */
		th = skb_header_pointer(skb, len, sizeof(_th), &_th);
		if (!th || th->doff < sizeof(_th) / 4)
			return 0;
		return len + th->doff * 4;
	}
	if (type & SKB_GSO_UDP_L4)
		return len + sizeof(struct udphdr);
	return len;
}

/**
 * vnetmq_skb_tx_frame() - what a TX queue counts of a frame it takes
 * @skb: a frame in ndo_start_xmit, its data at the Ethernet header
 * @f: filled in
 *
 * A GSO frame crosses whole, as a NIC's segmentation offload takes it:
 * it counts as the frames it stands for, gso_segs of them (computed from
 * gso_size should a sender have left it 0; the core sets it for the
 * frames it transmits), each with the headers repeated.  Read before
 * the frame is handed on: the receiving NAPI may free it at once.
 */
void vnetmq_skb_tx_frame(const struct sk_buff *skb, struct vnetmq_tx_frame *f)
{
	const struct skb_shared_info *shinfo = skb_shinfo(skb);
	unsigned int hdr_len, segs;

	f->len = skb->len;
	f->wire_len = skb->len;
	f->gso_segs = 0;
	if (!skb_is_gso(skb))
		return;
	hdr_len = vnetmq_gso_hdr_len(skb);
	if (hdr_len >= skb->len)
		hdr_len = 0;
	segs = shinfo->gso_segs;
	if (!segs && shinfo->gso_size != GSO_BY_FRAGS)
		segs = DIV_ROUND_UP(skb->len - hdr_len, shinfo->gso_size);
	/* As gso_segs would hold them: a sender's gso_size of 1 makes no
	 * more wire frames, nor wraps the byte count.
	 */
	segs = clamp(segs, 1U, GSO_MAX_SEGS);
	f->gso_segs = segs;
	f->wire_len += min_t(u64, (u64)(segs - 1) * hdr_len,
			     UINT_MAX - skb->len);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_skb_tx_frame);

/**
 * vnetmq_skb_wire_csum() - finish a frame's checksum as a link would
 * @rcv: the pair's end that receives @skb
 * @skb: a frame that passed vnetmq_skb_xmit_prep(); not freed here
 *
 * Between a pair's ends a frame behaves as on a wire between two NICs:
 * the sender's checksum offload fills in the checksum a
 * CHECKSUM_PARTIAL frame left to it, and the receiver, if its
 * rx-checksumming is on, reports it verified (CHECKSUM_UNNECESSARY), so
 * a packet socket on the receiver reads the frame as sent on a wire.
 * A GSO frame keeps its partial checksum: it crosses whole, and its
 * segments' checksums are never computed (as from a NIC's LRO); so
 * does a frame whose checksum field is not in its linear head, and an
 * SCTP frame, whose CRC32c is no Internet checksum (the device offers no
 * SCTP CRC offload, so the core computes it first).  Other frames
 * (CHECKSUM_NONE: a raw socket's, a checksum a test corrupted) are left
 * for the receiving stack to check; one that the sender's side had
 * verified (CHECKSUM_UNNECESSARY, forwarded from a NIC) keeps that word
 * only while the receiver checks checksums: a wire carries no verdict.
 *
 * Return: SKB_NOT_DROPPED_YET, or why the caller must drop @skb (its
 * checksum could not be computed).
 */
enum skb_drop_reason vnetmq_skb_wire_csum(struct net_device *rcv,
					  struct sk_buff *skb)
{
	bool rxcsum = READ_ONCE(rcv->features) & NETIF_F_RXCSUM;

	if (skb->ip_summed != CHECKSUM_PARTIAL) {
		if (!rxcsum && skb->ip_summed == CHECKSUM_UNNECESSARY)
			skb->ip_summed = CHECKSUM_NONE;
		return SKB_NOT_DROPPED_YET;
	}
	if (skb_is_gso(skb) || skb_csum_is_sctp(skb))
		return SKB_NOT_DROPPED_YET;
	/* A field outside the linear head (a frame a BPF program trimmed)
	 * would make skb_checksum_help() warn: it crosses partial, as
	 * through veth.
	 */
	if (skb_checksum_start_offset(skb) + skb->csum_offset +
	    sizeof(__sum16) > skb_headlen(skb))
		return SKB_NOT_DROPPED_YET;
	if (skb_checksum_help(skb))
		return SKB_DROP_REASON_SKB_CSUM;
	if (rxcsum) {
		skb->ip_summed = CHECKSUM_UNNECESSARY;
		skb->csum_level = 0;
	}
	return SKB_NOT_DROPPED_YET;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_skb_wire_csum);
