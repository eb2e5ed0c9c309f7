// SPDX-License-Identifier: GPL-2.0
/*
 * vnetmq_ioctl: the private ioctls of a vnetmq device, the way older
 * tools call them: SIOCDEVPRIVATE + N on an AF_INET socket,
 * with ifr_name naming the device.
 *
 * usage: vnetmq_ioctl DEV reset     VNETMQ_SIOC_STATS_RESET
 *        vnetmq_ioctl DEV raw N     SIOCDEVPRIVATE + N (0..15)
 *
 * Prints "# DEV: SIOCDEVPRIVATE+N: ok" and exits 0, or says on stderr
 * what failed, with the errno's name (e.g. "(EPERM)"), and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sockios.h>
#include <linux/vnetmq.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static void print_usage(void)
{
	fprintf(stderr,
		"usage: vnetmq_ioctl DEV reset\n"
		"       vnetmq_ioctl DEV raw N    (SIOCDEVPRIVATE + N, N in 0..15)\n");
	exit(2);
}

static int parse_cmd(int argc, char **argv)
{
	char *end;
	long n;

	if (argc == 3 && !strcmp(argv[2], "reset"))
		return VNETMQ_SIOC_STATS_RESET;
	if (argc != 4 || strcmp(argv[2], "raw"))
		print_usage();
	n = strtol(argv[3], &end, 0);
	if (*argv[3] == '\0' || *end != '\0' || n < 0 || n > 15) {
		fprintf(stderr, "vnetmq_ioctl: N must be 0..15, not '%s'\n",
			argv[3]);
		exit(2);
	}
	return SIOCDEVPRIVATE + n;
}

int main(int argc, char **argv)
{
	struct ifreq ifr = {};
	int cmd, fd, err;

	if (argc < 3)
		print_usage();
	cmd = parse_cmd(argc, argv);
	if (strlen(argv[1]) >= IFNAMSIZ) {
		fprintf(stderr, "vnetmq_ioctl: '%s' is no interface name\n",
			argv[1]);
		return 2;
	}
	strcpy(ifr.ifr_name, argv[1]);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("vnetmq_ioctl: socket");
		return 1;
	}
	err = ioctl(fd, cmd, &ifr) ? errno : 0;
	close(fd);
	if (err) {
		fprintf(stderr, "%s: %s: SIOCDEVPRIVATE+%d: %s (%s)\n",
			program_invocation_short_name, argv[1],
			cmd - SIOCDEVPRIVATE, strerror(err),
			strerrorname_np(err));
		return 1;
	}
	printf("# %s: SIOCDEVPRIVATE+%d: ok\n", argv[1], cmd - SIOCDEVPRIVATE);
	return 0;
}
