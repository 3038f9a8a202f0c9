// SPDX-License-Identifier: GPL-2.0
/*
 * -n/--network, kvmtool's syntax (docs/network.md): comma-separated
 * key=value pairs, one NIC each. Pure, as the rest of the parser.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options-net.h"

#define fail(...) ({ snprintf(err, err_len, __VA_ARGS__); -EINVAL; })

/* kvmtool's defaults: its host and guest addresses, and MAC + index. */
#define NET_DEFAULT_HOST_IP	0xc0a82101u	/* 192.168.33.1 */
#define NET_DEFAULT_GUEST_IP	0xc0a8210fu	/* 192.168.33.15 */
static const uint8_t net_default_mac[6] = { 0x02, 0x15, 0x15, 0x15, 0x15, 0x15 };

void options_net_defaults(struct net_params *p, unsigned int index)
{
	memset(p, 0, sizeof(*p));
	p->mode = NET_MODE_USER;
	p->host_ip = NET_DEFAULT_HOST_IP;
	p->guest_ip = NET_DEFAULT_GUEST_IP;
	memcpy(p->guest_mac, net_default_mac, sizeof(p->guest_mac));
	p->guest_mac[5] += index;
}

/* A decimal number of at most max, len characters long exactly. */
static int net_parse_num(const char *s, size_t len, unsigned long max,
			 unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (!len || len > 10)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	if (v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int options_parse_ipv4(const char *s, size_t len, uint32_t *ip)
{
	const char *end = s + len;
	unsigned long byte;
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		const char *dot = memchr(s, '.', end - s);
		size_t n = (i < 3) ? (dot ? (size_t)(dot - s) : (size_t)-1) : (size_t)(end - s);

		if (n == (size_t)-1 || n > 3 || net_parse_num(s, n, 255, &byte))
			return -EINVAL;
		v = v << 8 | byte;
		s += n + 1;
	}
	*ip = v;
	return 0;
}

static int net_parse_mac(const char *s, size_t len, uint8_t mac[6])
{
	unsigned int i;

	if (len != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		char hex[3] = { s[3 * i], s[3 * i + 1], 0 };
		char *end;

		if ((i < 5 && s[3 * i + 2] != ':') || !hex[0] || !hex[1] ||
		    hex[0] == '+' || hex[0] == '-' || hex[0] == ' ')
			return -EINVAL;
		mac[i] = strtoul(hex, &end, 16);
		if (*end)
			return -EINVAL;
	}
	return 0;
}

/* hostfwd=tcp:HOSTPORT:GUESTPORT or udp:...; ports 1 to 65535. */
static int net_parse_hostfwd(struct net_params *p, const char *s, size_t len,
			     char *err, size_t err_len)
{
	const char *c1, *c2, *end = s + len;
	struct net_hostfwd *f;
	unsigned long hp, gp;

	if (p->nr_hostfwd >= NET_MAX_HOSTFWD)
		return fail("-n hostfwd=: at most %d forwards a NIC; give fewer", NET_MAX_HOSTFWD);
	f = &p->hostfwd[p->nr_hostfwd];
	c1 = memchr(s, ':', len);
	c2 = c1 ? memchr(c1 + 1, ':', end - c1 - 1) : NULL;
	if (!c1 || !c2 || (size_t)(c1 - s) != 3 ||
	    (strncmp(s, "tcp", 3) && strncmp(s, "udp", 3)) ||
	    net_parse_num(c1 + 1, c2 - c1 - 1, 65535, &hp) || !hp ||
	    net_parse_num(c2 + 1, end - c2 - 1, 65535, &gp) || !gp)
		return fail("-n hostfwd=%.*s: not a port forward; use hostfwd=tcp:HOSTPORT:GUESTPORT or hostfwd=udp:HOSTPORT:GUESTPORT, ports 1 to 65535",
			    (int)len, s);
	f->udp = !strncmp(s, "udp", 3);
	f->host_port = hp;
	f->guest_port = gp;
	p->nr_hostfwd++;
	return 0;
}

static bool net_script_none(const struct net_params *p)
{
	return p->script_len == 4 && !strncmp(p->script, "none", 4);
}

/*
 * kvmtool's -n without mode= is tap. lkvm's stays user mode (it needs
 * no privilege), unless a key only tap has says tap is meant: tapif=,
 * a script other than none, vhost=1 (docs/network.md).
 */
static bool net_tap_keys(const struct net_params *p)
{
	return p->tapif || p->vhost || (p->script && !net_script_none(p));
}

static int net_set_mode(struct net_params *p, const char *v, size_t n,
			bool *none, char *err, size_t err_len)
{
	if (n == 4 && !strncmp(v, "user", 4))
		p->mode = NET_MODE_USER;
	else if (n == 3 && !strncmp(v, "tap", 3))
		p->mode = NET_MODE_TAP;
	else if (n == 4 && !strncmp(v, "none", 4))
		*none = true;
	else
		return fail("-n mode=%.*s: unknown mode; use mode=user, mode=tap or mode=none",
			    (int)n, v);
	return 0;
}

/* One key=value, v the value of n characters. */
static int net_set_key(struct net_params *p, const char *key, size_t klen,
		       const char *v, size_t n, bool *none, char *err, size_t err_len)
{
	unsigned long num;

#define KEY(name)	(klen == strlen(name) && !strncmp(key, name, klen))
	if (KEY("mode"))
		return net_set_mode(p, v, n, none, err, err_len);
	if (KEY("guest_ip") || KEY("host_ip")) {
		uint32_t *ip = KEY("guest_ip") ? &p->guest_ip : &p->host_ip;

		if (options_parse_ipv4(v, n, ip))
			return fail("-n %.*s=%.*s: not an IPv4 address; give four decimal bytes, e.g. 192.168.33.15",
				    (int)klen, key, (int)n, v);
		return 0;
	}
	if (KEY("guest_mac")) {
		if (net_parse_mac(v, n, p->guest_mac))
			return fail("-n guest_mac=%.*s: not a MAC address; give six hex bytes, e.g. 02:15:15:15:15:16",
				    (int)n, v);
		if (p->guest_mac[0] & 1)
			return fail("-n guest_mac=%.*s: a multicast address; a NIC needs a unicast one (first byte even, e.g. 02:...)",
				    (int)n, v);
		return 0;
	}
	if (KEY("tapif")) {
		p->tapif = v;
		p->tapif_len = n;
		return 0;
	}
	if (KEY("script")) {
		p->script = v;
		p->script_len = n;
		return 0;
	}
	if (KEY("vhost") || KEY("mq")) {
		if (net_parse_num(v, n, 1024, &num))
			return fail("-n %.*s=%.*s: not a number; e.g. %.*s=1", (int)klen, key,
				    (int)n, v, (int)klen, key);
		if (KEY("vhost"))
			p->vhost = num;
		else
			p->mq = num;
		return 0;
	}
	if (KEY("trans")) {
		if (n == 4 && !strncmp(v, "mmio", 4))
			p->trans = NET_TRANS_MMIO;
		else if (n == 3 && !strncmp(v, "pci", 3))
			p->trans = NET_TRANS_PCI;
		else
			return fail("-n trans=%.*s: unknown transport; use trans=mmio or trans=pci", (int)n, v);
		return 0;
	}
	if (KEY("hostfwd"))
		return net_parse_hostfwd(p, v, n, err, err_len);
#undef KEY
	return fail("-n: unknown key '%.*s'; use mode, guest_ip, host_ip, guest_mac, tapif, script, vhost, mq, trans or hostfwd",
		    (int)klen, key);
}

/* tapif=: an interface name the kernel takes (IFNAMSIZ with its NUL). */
static int net_check_tapif(const struct net_params *p, char *err, size_t err_len)
{
	if (!p->tapif)
		return 0;
	if (!p->tapif_len || p->tapif_len > NET_TAPIF_MAX ||
	    memchr(p->tapif, '/', p->tapif_len) || memchr(p->tapif, ' ', p->tapif_len))
		return fail("-n tapif=%.*s: not an interface name; give 1 to %d characters, no '/' or blank (macvtap's /dev/tapN is not supported)",
			    (int)p->tapif_len, p->tapif, NET_TAPIF_MAX);
	return 0;
}

/* Keys of one mode only, and what lkvm cannot do yet. */
static int net_check_mode(const struct net_params *p, char *err, size_t err_len)
{
	if (p->mode == NET_MODE_USER) {
		if (p->vhost)
			return fail("-n vhost=1: vhost-net is for mode=tap only; give mode=tap or leave vhost out");
		if (p->tapif || (p->script && !net_script_none(p)))
			return fail("-n %s=: only for mode=tap; give mode=tap or leave it out",
				    p->tapif ? "tapif" : "script");
	} else {
		if (p->nr_hostfwd)
			return fail("-n hostfwd=: only for mode=user (a tap is on the host's network: connect to guest_ip directly); leave it out");
	}
	if (p->script && !p->script_len)
		return fail("-n script=: empty; give the path of a program, or script=none");
	if (p->mq > NET_MQ_MAX)
		return fail("-n mq=%u: at most %d queue pairs; give mq=1 to %d",
			    p->mq, NET_MQ_MAX, NET_MQ_MAX);
	if (p->mq > 1 && p->vhost)
		return fail("-n mq=%u: vhost=1 takes one queue pair; leave mq out or vhost out", p->mq);
	return net_check_tapif(p, err, err_len);
}

/* What lkvm cannot do yet, and addresses that cannot work together. */
static int net_check(const struct net_params *p, char *err, size_t err_len)
{
	int ret = net_check_mode(p, err, err_len);

	if (ret)
		return ret;
	if ((p->host_ip ^ p->guest_ip) & 0xffffff00u || p->host_ip == p->guest_ip)
		return fail("-n: host_ip and guest_ip must be two addresses of one /24 network (e.g. 192.168.33.1 and 192.168.33.15)");
	if ((p->guest_ip & 0xff) == 0 || (p->guest_ip & 0xff) > 240 ||
	    (p->host_ip & 0xff) == 0 || (p->host_ip & 0xff) == 255)
		return fail("-n: guest_ip must end in 1 to 240 (DHCP hands out it and the 15 after it) and host_ip in 1 to 254");
	return 0;
}

int options_set_network(struct vm_config *cfg, const char *v, char *err,
			size_t err_len)
{
	struct net_params p;
	const char *s = v;
	bool none = false, mode_given = false;
	int ret;

	if (!strcmp(v, "none")) {
		cfg->no_net = true;
		return 0;
	}
	if (!*v)
		return fail("-n/--network: no parameters given; e.g. -n mode=user or -n mode=none");
	if (cfg->nr_nets >= CONFIG_MAX_NETS)
		return fail("-n/--network: at most %d NICs; give fewer", CONFIG_MAX_NETS);
	options_net_defaults(&p, cfg->nr_nets);
	while (*s) {
		size_t n = strcspn(s, ",");
		const char *eq = memchr(s, '=', n);

		if (!eq)
			return fail("-n %s: '%.*s' is not key=value; e.g. -n mode=user,guest_mac=02:15:15:15:15:16",
				    v, (int)n, s);
		mode_given |= eq - s == 4 && !strncmp(s, "mode", 4);
		ret = net_set_key(&p, s, eq - s, eq + 1, n - (eq - s) - 1, &none, err, err_len);
		if (ret)
			return ret;
		s += n + (s[n] == ',');
	}
	if (none) {
		cfg->no_net = true;
		return 0;
	}
	if (!mode_given && net_tap_keys(&p))
		p.mode = NET_MODE_TAP;
	ret = net_check(&p, err, err_len);
	if (ret)
		return ret;
	cfg->nets[cfg->nr_nets++] = p;
	return 0;
}
