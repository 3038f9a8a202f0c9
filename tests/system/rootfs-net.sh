# Sourced by rootfs-init.sh: the check "net", virtio-net through lkvm's
# user-mode network or a tap, in the parts of lkvm.net_parts (rootfs-init.sh
# says what each part checks; the variables net_* come from its command
# line parsing).

# --- net: virtio-net through lkvm's user-mode network ------------------------
# The card's driver may still be binding when the check starts.
net_wait_eth0() {
	i=0
	while [ ! -e /sys/class/net/eth0 ]; do
		i=$((i + 1))
		[ "$i" -le 100 ] || { net_err="no eth0 after 10 s (have: $(ls /sys/class/net | tr '\n' ' '))"; return 1; }
		sleep 0.1
	done
}

net_dhcp() {
	net_wait_eth0 || return 1
	printf '%s\n' '#!/bin/sh' 'case "$1" in bound|renew)' \
		'ip addr add "$ip/${mask:-24}" dev "$interface"' \
		'ip route add default via "${router%% *}"' \
		'echo "$ip ${router%% *} ${dns%% *}" >/tmp/dhcp.lease ;; esac' >/tmp/udhcpc.sh
	chmod +x /tmp/udhcpc.sh
	ip link set eth0 up
	t0=$(uptime_cs)
	udhcpc -i eth0 -f -q -n -t 5 -T 2 -s /tmp/udhcpc.sh >/tmp/udhcpc.out 2>&1
	set -- $(cat /tmp/dhcp.lease 2>/dev/null)
	net_gw_got=$2 net_dns=$3
	[ "$1" = "$net_ip" ] && [ "$2" = "$net_gw" ] && [ -n "$3" ] || {
		net_err="lease '$*', expected $net_ip via $net_gw: $(tail -n 2 /tmp/udhcpc.out | tr '\n' ' ')"
		return 1
	}
	net_ok="$net_ok dhcp=$1/gw=$2/dns=$3($(( $(uptime_cs) - t0 ))cs)"
}

# tap: no DHCP server on the host's side; lkvm.net_ip/24 set by hand.
net_static() {
	net_wait_eth0 || return 1
	ip link set eth0 up && ip addr add "$net_ip/24" dev eth0 ||
		{ net_err="cannot give eth0 $net_ip/24"; return 1; }
	net_ok="$net_ok static=$net_ip"
}

net_tcp() {
	# HTTP by hand: the static busybox's wget crashes looking the host up.
	got=$(printf 'GET /net.txt HTTP/1.0\r\n\r\n' | nc -w 10 "$net_gw" "$net_http" 2>&1)
	echo "$got" | grep -q '^lkvm-net-tcp-ok' || {
		net_err="http://$net_gw:$net_http/net.txt: '$(echo "$got" | head -n 3 | tr '\r\n' '  ')' ($(ip -4 addr show eth0 | grep inet); route: $(ip route | tr '\n' ' '))"
		return 1
	}
	net_ok="$net_ok tcp"
}

net_dns() {
	out=$(nslookup "$net_name" "$net_dns" 2>&1)
	echo "$out" | sed -n '/^Name:/,$p' | grep -qF "$net_addr" ||
		{ net_err="nslookup $net_name $net_dns: $(echo "$out" | tr '\n' ' ')"; return 1; }
	net_ok="$net_ok dns"
}

# The throughput from the host: http://GW:PORT/bulk.bin, its bytes and
# time in the check's line (bulk=KiB/cs=KiB/s).
net_bulk() {
	t0=$(uptime_cs)
	got=$(printf 'GET /bulk.bin HTTP/1.0\r\n\r\n' | nc -w 30 "$net_gw" "$net_http" | wc -c)
	cs=$(( $(uptime_cs) - t0 ))
	[ "$got" -gt 1048576 ] || { net_err="http://$net_gw:$net_http/bulk.bin: $got bytes"; return 1; }
	[ "$cs" -gt 0 ] || cs=1
	net_ok="$net_ok bulk=$((got / 1024))KiB/${cs}cs=$((got / 1024 * 100 / cs))KiB/s"
}

# 16 MiB each way, the contents' sha256 for the runner to compare: a
# wrong checksum or segment anywhere on the way shows as another sum.
net_xfer() {
	mkdir -p /run/xfer && mount -t tmpfs tmpfs /run/xfer ||
		{ net_err="cannot mount a tmpfs on /run/xfer"; return 1; }
	rx0=$(cat /sys/class/net/eth0/statistics/rx_packets)
	t0=$(uptime_cs)
	down=$(printf 'GET /rand.bin HTTP/1.0\r\n\r\n' | nc -w 30 "$net_gw" "$net_http" |
	       tail -c 16777216 | sha256sum | cut -c1-64)
	cs=$(( $(uptime_cs) - t0 + 1 ))
	rx=$(( $(cat /sys/class/net/eth0/statistics/rx_packets) - rx0 ))
	net_ok="$net_ok down=$down/${cs}cs=$((16384 * 100 / cs))KiB/s down_frames=$rx"
	dd if=/dev/urandom of=/run/xfer/up.bin bs=65536 count=256 2>/dev/null ||
		{ net_err="cannot write 16 MiB to /run/xfer"; return 1; }
	up=$(sha256sum /run/xfer/up.bin | cut -c1-64)
	t0=$(uptime_cs)
	nc -w 5 "$net_gw" "$net_up" </run/xfer/up.bin >/dev/null ||
		{ net_err="nc to $net_gw:$net_up failed"; return 1; }
	cs=$(( $(uptime_cs) - t0 + 1 ))
	net_ok="$net_ok up=$up/${cs}cs=$((16384 * 100 / cs))KiB/s"
	umount /run/xfer
}

net_mq() {
	net_wait_eth0 || return 1
	q=$(ls /sys/class/net/eth0/queues | tr '\n' ' ')
	rx=$(ls -d /sys/class/net/eth0/queues/rx-* | wc -l)
	tx=$(ls -d /sys/class/net/eth0/queues/tx-* | wc -l)
	[ "$rx" = "$net_mq" ] && [ "$tx" = "$net_mq" ] ||
		{ net_err="eth0's queues: $q(want $net_mq pairs)"; return 1; }
	net_ok="$net_ok mq=$rx"
}

net_fwd() {
	printf '#!/bin/sh\necho lkvm-net-fwd-ok\n' >/tmp/fwd.sh
	chmod +x /tmp/fwd.sh
	nc -l -p "$net_listen" -e /tmp/fwd.sh &
	ncpid=$!
	sleep 0.5
	echo "GUEST-NET-LISTENING $net_listen"
	i=0
	while kill -0 "$ncpid" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le 600 ] || { kill "$ncpid"; net_err="no connection to port $net_listen in 60 s"; return 1; }
		sleep 0.1
	done
	net_ok="$net_ok fwd"
}

# Polled, so a request may be in flight at the snapshot: that
# connection is lost with the network behind the card, the next works.
net_snap() {
	before=$(ip -4 addr show eth0 | grep -o 'inet [0-9./]*') rt0=$(ip route | grep default)
	holdpid=
	if [ -n "$net_hold" ]; then
		mkfifo /tmp/hold.in
		nc "$net_gw" "$net_hold" </tmp/hold.in >/tmp/hold.out 2>&1 &
		holdpid=$!
		exec 6>/tmp/hold.in
		echo hello >&6
		i=0
		until grep -q held /tmp/hold.out; do
			i=$((i + 1))
			[ "$i" -le 100 ] || { net_err="no answer on $net_gw:$net_hold: $(cat /tmp/hold.out)"; return 1; }
			sleep 0.1
		done
	fi
	echo "GUEST-NET-SNAP-READY $before"
	t0=$(uptime_cs) i=0
	while :; do
		got=$(printf 'GET /restored.txt HTTP/1.0\r\n\r\n' | nc -w 5 "$net_gw" "$net_http" 2>&1)
		echo "$got" | grep -q '^lkvm-net-restored' && break
		i=$((i + 1))
		[ "$i" -le 400 ] || { net_err="no restored.txt from $net_gw:$net_http after $i tries"; return 1; }
		sleep 0.5
	done
	after=$(ip -4 addr show eth0 | grep -o 'inet [0-9./]*')
	[ "$after" = "$before" ] && [ "$(ip route | grep default)" = "$rt0" ] || {
		net_err="eth0 had '$before' ($rt0), now '$after' ($(ip route | grep default))"
		return 1
	}
	net_ok="$net_ok snap($after kept, $i tries, $(( $(uptime_cs) - t0 ))cs)"
	[ -n "$holdpid" ] || return 0
	kill -0 "$holdpid" 2>/dev/null || { net_ok="$net_ok held-connection(gone-before-use)"; return 0; }
	t0=$(uptime_cs)
	echo after-restore >&6 2>/dev/null
	i=0
	while kill -0 "$holdpid" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le 300 ] || { net_err="the connection opened before the snapshot still lives"; return 1; }
		sleep 0.1
	done
	exec 6>&-
	net_ok="$net_ok held-connection-ended($(( $(uptime_cs) - t0 ))cs)"
}

check_net() {
	net_ok= net_err=
	for part in $net_parts; do
		case "$part" in
		dhcp|static|tcp|dns|bulk|xfer|fwd|mq|snap) "net_$part" || { check net FAIL "$part: $net_err (passed:$net_ok)"; return; } ;;
		*) check net FAIL "lkvm.net_parts: no part '$part' (dhcp, static, tcp, dns, bulk, fwd, mq, snap)"; return ;;
		esac
	done
	check net PASS "$net_ok"
}
