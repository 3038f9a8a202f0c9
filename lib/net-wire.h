/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_LIB_NET_WIRE_H
#define LKVM_LIB_NET_WIRE_H
/*
 * The Ethernet, IP and TCP numbers the frame parsers of lib/ share
 * (net-gso.c, net-gro.c, net-ack.c): header lengths without options,
 * EtherTypes, TCP's flags and checksum offset. Kept apart from the
 * system's headers, whose names they would clash with.
 */
#define ETH_HLEN		14
#define ETH_P_IP		0x0800
#define ETH_P_IPV6		0x86dd
#define ETH_P_8021Q		0x8100
#define IPV4_HLEN		20
#define IPV6_HLEN		40
#define IPPROTO_TCP_NR		6
#define TCP_HLEN		20
#define TCP_CSUM_OFF		16
#define TCP_F_FIN		0x01
#define TCP_F_SYN		0x02
#define TCP_F_RST		0x04
#define TCP_F_PSH		0x08
#define TCP_F_ACK		0x10
#define TCP_F_CWR		0x80

#endif
