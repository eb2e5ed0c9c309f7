/* vnetmq section */
enum {
	IFLA_VNETMQ_UNSPEC,
	IFLA_VNETMQ_PEER_INFO,	/* struct ifinfomsg, then the peer's IFLA_* */
	__IFLA_VNETMQ_MAX,
};

#define IFLA_VNETMQ_MAX	(__IFLA_VNETMQ_MAX - 1)

