// SPDX-License-Identifier: GPL-2.0
/*
 * The devices' options of "lkvm run": kvmtool's --network, --9p and
 * --vsock, and the virtio transport (cli/options-dev.c, options-net.c).
 */
#include <string.h>

#include "tests/test-options.h"

static char err[OPTIONS_ERR_MAX];

/*
 * --network as kvmtool takes it: key=value pairs, in every form an
 * option can take; mode=none (kvm-unit-tests' runner passes it) means
 * no NIC at all, each other -n one NIC with kvmtool's defaults.
 */
void test_network(struct unit *u)
{
	static const uint8_t mac1[6] = { 0x02, 0x15, 0x15, 0x15, 0x15, 0x16 };
	struct vm_config c;

	CHECK_EQ(u, PARSE(&c, "-k", "I", "--network", "mode=none"), 0);
	CHECK(u, c.no_net && !c.nr_nets);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--network=mode=none"), 0);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-nmode=none"), 0);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "none"), 0);
	CHECK(u, c.no_net);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "guest_ip=10.0.0.2,mode=none"), 0);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "mode=none", "-n", "none"), 0);
	CHECK_EQ(u, PARSE(&c, "-k", "I"), 0);
	CHECK(u, !c.no_net && !c.nr_nets);	/* the board adds the default NIC */

	/* user mode: kvmtool's addresses, its MAC plus the NIC's index */
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "mode=user", "-n",
			  "mode=user,host_ip=10.0.2.2,guest_ip=10.0.2.15,trans=pci,hostfwd=tcp:2222:22,hostfwd=udp:5353:53"), 0);
	CHECK_EQ(u, c.nr_nets, 2);
	CHECK(u, c.nets[0].mode == NET_MODE_USER && c.nets[0].host_ip == 0xc0a82101 &&
	      c.nets[0].guest_ip == 0xc0a8210f && c.nets[0].trans == NET_TRANS_DEFAULT);
	CHECK(u, c.nets[0].guest_mac[5] == 0x15 && !memcmp(c.nets[1].guest_mac, mac1, 6));
	CHECK(u, c.nets[1].host_ip == 0x0a000202 && c.nets[1].guest_ip == 0x0a00020f &&
	      c.nets[1].trans == NET_TRANS_PCI && c.nets[1].nr_hostfwd == 2);
	CHECK(u, !c.nets[1].hostfwd[0].udp && c.nets[1].hostfwd[0].host_port == 2222 &&
	      c.nets[1].hostfwd[0].guest_port == 22 && c.nets[1].hostfwd[1].udp);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "guest_mac=02:aa:bb:cc:dd:0e,trans=mmio"), 0);
	CHECK(u, c.nets[0].guest_mac[1] == 0xaa && c.nets[0].guest_mac[5] == 0x0e &&
	      c.nets[0].trans == NET_TRANS_MMIO);

	/* tap: kvmtool's keys; a tap-only key without mode= means tap */
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "mode=tap", "-n",
			  "mode=tap,tapif=lkvmtap-0123456,script=/etc/kvm-ifup,host_ip=10.0.2.2,guest_ip=10.0.2.15"), 0);
	CHECK_EQ(u, c.nr_nets, 2);
	CHECK(u, c.nets[0].mode == NET_MODE_TAP && !c.nets[0].tapif && !c.nets[0].script &&
	      c.nets[0].host_ip == 0xc0a82101);
	CHECK(u, c.nets[1].tapif && c.nets[1].tapif_len == 15 &&
	      !strncmp(c.nets[1].tapif, "lkvmtap-0123456", 15));
	CHECK(u, c.nets[1].script_len == 13 && !strncmp(c.nets[1].script, "/etc/kvm-ifup", 13) &&
	      c.nets[1].host_ip == 0x0a000202);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "tapif=tap0", "-n", "script=/bin/up",
			  "-n", "guest_mac=02:15:15:15:15:20,script=none"), 0);
	CHECK(u, c.nets[0].mode == NET_MODE_TAP && c.nets[1].mode == NET_MODE_TAP &&
	      c.nets[2].mode == NET_MODE_USER);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "mode=tap,script=none,mq=1,vhost=0"), 0);
	CHECK(u, c.nets[0].mode == NET_MODE_TAP && !c.nets[0].vhost);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "script=none,mq=1,vhost=0"), 0);
	CHECK(u, c.nets[0].mode == NET_MODE_USER);
	/* mode= given wins over the keys */
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "tapif=tap0,mode=user"), -22);
	CHECK(u, strstr(err, "tapif=: only for mode=tap"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "mode=user,script=/bin/up"), -22);
	CHECK(u, strstr(err, "script=: only for mode=tap"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "mode=user,vhost=1"), -22);
	CHECK(u, strstr(err, "vhost") && strstr(err, "mode=tap only"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "hostfwd=tcp:2222:22,tapif=tap0"), -22);
	CHECK(u, strstr(err, "hostfwd=: only for mode=user"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "mode=tap,tapif=lkvmtap-01234567"), -22);
	CHECK(u, strstr(err, "not an interface name") && strstr(err, "1 to 15"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "mode=tap,tapif=/dev/tap3"), -22);
	CHECK(u, strstr(err, "macvtap"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "mode=tap,tapif="), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "mode=tap,script="), -22);
	CHECK(u, strstr(err, "script=: empty"));

	/* vhost-net: tap's, and vhost=1 alone means tap, as kvmtool's */
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "mode=tap,vhost=1", "-n", "vhost=1,tapif=tap1"), 0);
	CHECK(u, c.nets[0].mode == NET_MODE_TAP && c.nets[0].vhost &&
	      c.nets[1].mode == NET_MODE_TAP && c.nets[1].vhost);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "vhost=1"), 0);
	CHECK(u, c.nets[0].mode == NET_MODE_TAP);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "vhost=x"), -22);
	CHECK(u, strstr(err, "not a number"));

	/* mq=: queue pairs up to NET_MQ_MAX, not with vhost-net */
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "mq=2", "-n", "mode=tap,mq=3"), 0);
	CHECK(u, c.nets[0].mq == 2 && c.nets[1].mq == 3);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "mq=4"), -22);
	CHECK(u, strstr(err, "at most 3 queue pairs"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "mode=tap,vhost=1,mq=2"), -22);
	CHECK(u, strstr(err, "vhost=1 takes one queue pair"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "mode=tap,vhost=1,mq=1"), 0);

	/* mistakes */
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "guest_ip=10.0.0.2"), -22);
	CHECK(u, strstr(err, "one /24"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "guest_ip=192.168.33.256"), -22);
	CHECK(u, strstr(err, "not an IPv4 address"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "host_ip=192.168.33"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "guest_ip=192.168.33.1"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "guest_mac=02:15:15:15:15"), -22);
	CHECK(u, strstr(err, "not a MAC address"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "guest_mac=01:15:15:15:15:15"), -22);
	CHECK(u, strstr(err, "multicast"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "guest_mac=02:15:15:15:15:-1"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "hostfwd=tcp:0:22"), -22);
	CHECK(u, strstr(err, "not a port forward"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "hostfwd=sctp:1:22"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "hostfwd=tcp:65536:22"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "hostfwd=tcp:22"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "trans=virtio"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "mode=nonesuch"), -22);
	CHECK(u, strstr(err, "unknown mode"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "xmode=none"), -22);
	CHECK(u, strstr(err, "unknown key"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "mode"), -22);
	CHECK(u, strstr(err, "not key=value"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", ""), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "a=1", "-n", "a=1"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n", "mode=user", "-n", "mode=user", "-n", "mode=user",
			  "-n", "mode=user", "-n", "mode=user"), -22);
	CHECK(u, strstr(err, "at most 4"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-n"), -22);
	CHECK(u, strstr(err, "needs a value"));
}

/* --9p DIR[,TAG[,ro]]: kvmtool's first-comma split and default tag. */
void test_9p(struct unit *u)
{
	struct vm_config c;

	CHECK_EQ(u, PARSE(&c, "-k", "I", "--9p", "/srv/a,tag1", "--9p=/srv/b", "--9p", "/srv/c,t3,ro"), 0);
	CHECK_EQ(u, c.nr_shares, 3);
	CHECK(u, c.shares[0].dir_len == 6 && !strncmp(c.shares[0].spec, "/srv/a", 6));
	CHECK(u, c.shares[0].tag_len == 4 && !strncmp(c.shares[0].tag, "tag1", 4) && !c.shares[0].ro);
	CHECK(u, c.shares[1].tag_len == 6 && !strncmp(c.shares[1].tag, "kvm_9p", 6));
	CHECK(u, c.shares[2].tag_len == 2 && !strncmp(c.shares[2].tag, "t3", 2) && c.shares[2].ro);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--9p", "/a,"), -22);
	CHECK(u, strstr(err, "empty mount tag"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--9p", ",t"), -22);
	CHECK(u, strstr(err, "no directory given"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--9p", "/a,t", "--9p", "/b,t"), -22);
	CHECK(u, strstr(err, "given twice"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--9p", "/a,0123456789abcdef0123456789abcdef"), 0);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--9p", "/a,0123456789abcdef0123456789abcdefX"), -22);
	CHECK(u, strstr(err, "at most 32"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--9p", "/a,t,x"), -22);
	CHECK(u, strstr(err, "only one is ro"));
}

/* --vsock CID: kvmtool's decimal CID; the reserved and 32-bit ends refused. */
void test_vsock(struct unit *u)
{
	struct vm_config c;

	CHECK_EQ(u, PARSE(&c, "-k", "I"), 0);
	CHECK_EQ(u, c.vsock_cid, 0);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--vsock", "3"), 0);
	CHECK_EQ(u, c.vsock_cid, 3);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--vsock=4294967294"), 0);
	CHECK_EQ(u, c.vsock_cid, 4294967294ULL);
	for (int i = 0; i < 3; i++) {
		char v[2] = { (char)('0' + i), 0 };

		CHECK_EQ(u, PARSE(&c, "-k", "I", "--vsock", v), -22);
		CHECK(u, strstr(err, "reserved") && strstr(err, "3 or more"));
	}
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--vsock", "4294967295"), -22);
	CHECK(u, strstr(err, "4294967294"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--vsock", "99999999999999999999999"), -22);
	CHECK(u, strstr(err, "4294967294"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--vsock", "three"), -22);
	CHECK(u, strstr(err, "not a number"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--vsock", "3x"), -22);
	CHECK(u, strstr(err, "not a number"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--vsock", "-3"), -22);
	CHECK(u, strstr(err, "not a number"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--vsock", ""), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--vsock", " 3"), -22);
}

/* kvmtool's arm64 default, its deprecated spellings and their order. */
void test_transport(struct unit *u)
{
	struct vm_config c;

	CHECK_EQ(u, PARSE(&c, "-k", "I"), 0);
	CHECK_EQ(u, c.virtio_transport, VIRTIO_PCI);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--virtio-legacy"), 0);
	CHECK_EQ(u, c.virtio_transport, VIRTIO_PCI_LEGACY);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--virtio-transport=mmio", "--virtio-legacy"), 0);
	CHECK_EQ(u, c.virtio_transport, VIRTIO_MMIO_LEGACY);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--virtio-legacy", "--virtio-transport=mmio"), 0);
	CHECK_EQ(u, c.virtio_transport, VIRTIO_MMIO);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--virtio-transport=mmio", "--force-pci"), 0);
	CHECK_EQ(u, c.virtio_transport, VIRTIO_PCI);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--virtio-transport=pci-legacy", "--virtio-legacy"), 0);
	CHECK_EQ(u, c.virtio_transport, VIRTIO_PCI_LEGACY);
}
