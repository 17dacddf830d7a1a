#!/usr/bin/env python3
"""The kernel's side of tcplab's differential tests (harness.ts starts it).

Run inside a private network namespace (`ip netns exec NS python3 kernel-side.py LINUX_IP PEER_IP`), it
creates a TUN device there, routes PEER_IP through it, and then does two things for the Node.js harness,
driven by JSON lines on stdin and answering with JSON lines on stdout:

- moves raw IPv4 packets between the TUN and the harness: every packet the kernel sends to PEER_IP is
  printed as {"ev": "packet", "t": ms, "hex": ...}; {"op": "write", "hex": ...} hands one to the kernel;
- loses the kernel's segments on their way out with nftables ({"op": "lose", ...}, see op_lose): a lost
  segment never reaches the peer's TUN but comes out of a second one, so that the harness still sees what the
  kernel sent — printed with "lost": true;
- holds the one real socket under test (listen, connect, send, recv, close, shutdown, abort, and the socket
  options a script asks for) and reports its state (sock_diag, as ss asks).

Why Python and not Node.js or C: Node.js can do neither the TUNSETIFF ioctl nor setsockopt (SO_LINGER,
SO_RCVBUF, TCP_NODELAY) nor send with MSG_OOB; Python's standard library does all of it (fcntl.ioctl,
socket), is on every machine that runs these tests, and needs no compiler at test time, and the harness stays
readable in one language per side. Everything here is non-blocking and runs in one select() loop, so the
harness decides every step and this process never waits on the peer it plays.

Times ("t") are milliseconds on one monotonic clock, taken where the packet or the call happened, so that
the harness can replay tcplab at the same times.
"""
import errno
import fcntl
import json
import os
import select
import socket
import struct
import subprocess
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
TUN_NAME = 'tcplab0'
# Where nftables sends each segment it loses (op_lose) instead of the peer's TUN; nothing else goes there.
LOST_NAME = 'tcplablost'
LOSS_TABLE = 'tcplab_loss'

# The kernel's state numbers (include/net/tcp_states.h, as sock_diag reports them); NEW_SYN_RECV is a request socket.
STATES = {
    0x01: 'ESTABLISHED', 0x02: 'SYN_SENT', 0x03: 'SYN_RECV', 0x04: 'FIN_WAIT1', 0x05: 'FIN_WAIT2',
    0x06: 'TIME_WAIT', 0x07: 'CLOSE', 0x08: 'CLOSE_WAIT', 0x09: 'LAST_ACK', 0x0A: 'LISTEN',
    0x0B: 'CLOSING', 0x0C: 'NEW_SYN_RECV',
}

# sock_diag (linux/sock_diag.h, linux/netlink.h): one request for one socket, answered with an inet_diag_msg.
NETLINK_SOCK_DIAG = 4
SOCK_DIAG_BY_FAMILY = 20
NLM_F_REQUEST = 1
NLMSG_ERROR = 2

T0 = time.monotonic()


def now_ms():
    return round((time.monotonic() - T0) * 1000, 3)


def emit(message):
    sys.stdout.write(json.dumps(message) + '\n')
    sys.stdout.flush()


def write_sysctl(path, value):
    with open('/proc/sys/' + path, 'w') as f:
        f.write(value)


def tun_device(name):
    fd = os.open('/dev/net/tun', os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def open_tuns(linux_ip, peer_ip):
    # No IPv6 in the namespace: the kernel would otherwise send router solicitations on the new link.
    write_sysctl('net/ipv6/conf/all/disable_ipv6', '1')
    write_sysctl('net/ipv6/conf/default/disable_ipv6', '1')
    # Runs that share the namespace must not inherit what earlier connections to the peer taught the kernel
    # (the RTT and ssthresh it would otherwise cache per destination, tcp_metrics).
    write_sysctl('net/ipv4/tcp_no_metrics_save', '1')
    tun, lost = tun_device(TUN_NAME), tun_device(LOST_NAME)
    # MTU 1500 as on Ethernet, so the kernel announces MSS 1460 as in the seed capture. One `ip -batch` for all.
    commands = ['link set lo up',
                'link set %s mtu 1500 up' % TUN_NAME,
                'addr add %s/32 peer %s/32 dev %s' % (linux_ip, peer_ip, TUN_NAME),
                'link set %s mtu 1500 up' % LOST_NAME]
    subprocess.run(['ip', '-batch', '-'], input='\n'.join(commands).encode(), check=True)
    return tun, lost


# What each loss filter of a script matches in nftables' words; script.ts's LossFilter, and compare.ts's
# matching of tcplab's segments, have the same four.
LOSS_MATCH = {
    'any': '',
    'syn': 'tcp flags & syn == syn',
    'fin': 'tcp flags & fin == fin',
    # A segment with data: its payload has a first octet (@ih is the transport header's payload; reading past
    # the packet's end does not match).
    'data': '@ih,0,8 0-255',
}


class KernelSide:
    def __init__(self, linux_ip, peer_ip):
        self.linux_ip = linux_ip
        self.peer_ip = peer_ip
        self.tun, self.lost = open_tuns(linux_ip, peer_ip)
        self.diag = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, NETLINK_SOCK_DIAG)
        self.listener = None
        self.conn = None
        self.losses = 0

    def socket_with(self, args):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Set before listen/connect: the receive buffer decides the SYN's window and window scale.
        self.set_options(s, args)
        s.bind((self.linux_ip, args['port']))
        s.setblocking(False)
        return s

    @staticmethod
    def set_options(s, args):
        if 'rcvbuf' in args:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, args['rcvbuf'])
        if 'sndbuf' in args:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, args['sndbuf'])
        if 'nodelay' in args:
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1 if args['nodelay'] else 0)

    def connection(self):
        """The connection under test; a listener's is accepted the first time a call needs it."""
        if self.conn is None and self.listener is not None:
            self.conn, _ = self.listener.accept()
            self.conn.setblocking(False)
        if self.conn is None:
            raise OSError(errno.ENOTCONN, 'no connection')
        return self.conn

    def op_write(self, args):
        os.write(self.tun, bytes.fromhex(args['hex']))
        return {}

    def op_listen(self, args):
        self.listener = self.socket_with(args)
        self.listener.listen(8)
        return {}

    def op_connect(self, args):
        self.conn = self.socket_with(args)
        return {'errno': errno.errorcode.get(self.conn.connect_ex((self.peer_ip, args['peer_port'])), 'OK')}

    def op_setsockopt(self, args):
        self.set_options(self.connection(), args)
        return {}

    def op_send(self, args):
        data = bytes((i % 26) + 97 for i in range(args['length']))
        return {'sent': self.connection().send(data, socket.MSG_OOB if args.get('oob') else 0)}

    def op_recv(self, args):
        try:
            data = self.connection().recv(args.get('max', 1 << 20))
        except BlockingIOError:
            return {'received': 0, 'eof': False}
        return {'received': len(data), 'eof': len(data) == 0}

    def op_shutdown(self, args):
        self.connection().shutdown({'rd': socket.SHUT_RD, 'wr': socket.SHUT_WR, 'rdwr': socket.SHUT_RDWR}[args['how']])
        return {}

    def op_close(self, args):
        self.connection().close()
        self.conn = None
        return {}

    def op_abort(self, args):
        # SO_LINGER {on, 0}: close() sends RST instead of FIN and drops the socket at once.
        self.connection().setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        return self.op_close(args)

    def op_lose(self, args):
        """The kernel's next segment on this connection that matches `what` (any, syn, fin, data) is lost.

        In the TUN's egress hook (netdev family), where the kernel has sent the segment for good: a rule there
        `fwd`s it to the second TUN, which counts as sent. A drop in the IP output hook would not do — the kernel
        sees that transmission fail, keeps the segment unsent and sends it again at the next chance (a FIN is
        then merged into it), which no network loss does.

        One rule per loss, in the order they were asked for, each with a set of its own: the rule takes the first
        matching segment whose ports are not in its set yet and adds them, so it loses exactly one segment,
        however many the kernel sends at once; a later loss's rule sees only what the earlier ones let through."""
        self.losses += 1
        name = 'lost%d' % self.losses
        match = LOSS_MATCH[args['what']]
        commands = [
            'add table netdev %s' % LOSS_TABLE,
            'add chain netdev %s out { type filter hook egress device "%s" priority 0; policy accept; }' % (LOSS_TABLE, TUN_NAME),
            'add set netdev %s %s { type inet_service . inet_service; }' % (LOSS_TABLE, name),
            'add rule netdev %s out tcp sport %d tcp dport %d %s tcp sport . tcp dport != @%s '
            'add @%s { tcp sport . tcp dport } fwd to "%s"'
            % (LOSS_TABLE, args['port'], args['peer_port'], match, name, name, LOST_NAME),
        ]
        subprocess.run(['nft', '-f', '-'], input='\n'.join(commands).encode(), check=True)
        return {}

    def op_reset(self, args):
        """Forget this run's sockets and losses, so that the next run in the namespace (on other ports) starts afresh."""
        if self.conn is not None:
            self.op_abort(args)
        if self.listener is not None:
            self.listener.close()
            self.listener = None
        if self.losses:
            subprocess.run(['nft', 'delete', 'table', 'netdev', LOSS_TABLE], check=True)
            self.losses = 0
        return {}

    def op_state(self, args):
        """The kernel's state of the connection (its 4-tuple) and whether a listener is open on the port.

        Asked of the kernel by the 4-tuple with sock_diag (as ss does; `diag_state`) rather than TCP_INFO's
        tcpi_state: a socket closed with close() (FIN_WAIT_1, TIME_WAIT …) and a request socket in SYN_RECEIVED
        have no descriptor to ask TCP_INFO of. The listener is this process's own."""
        return {'conn': self.diag_state(args['port'], args['peer_port']), 'listening': self.listener is not None}

    def diag_state(self, port, peer_port):
        """The state of the socket with this 4-tuple, or None: one SOCK_DIAG_BY_FAMILY request for exactly it.

        The kernel looks the 4-tuple up as an arriving segment would (inet_diag_find_one_icsk): established,
        TIME_WAIT and request sockets, else the listener on the port, which is no connection. Reading
        /proc/net/tcp instead walks the whole established hash table, shared by all namespaces (262,144
        buckets on these machines: ≈4 ms of CPU per read, several reads per step)."""
        sock_id = struct.pack('!HH16s16s', port, peer_port, socket.inet_aton(self.linux_ip).ljust(16, b'\0'),
                              socket.inet_aton(self.peer_ip).ljust(16, b'\0')) + struct.pack('=III', 0, 0xFFFFFFFF, 0xFFFFFFFF)
        request = struct.pack('=BBBBI', socket.AF_INET, socket.IPPROTO_TCP, 0, 0, 0xFFFFFFFF) + sock_id
        self.diag.send(struct.pack('=IHHII', 16 + len(request), SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST, 0, 0) + request)
        reply = self.diag.recv(65536)
        kind = struct.unpack_from('=H', reply, 4)[0]
        if kind == NLMSG_ERROR:
            code = -struct.unpack_from('=i', reply, 16)[0]
            if code == errno.ENOENT:
                return None
            raise OSError(code, 'sock_diag: ' + os.strerror(code))
        state = STATES.get(reply[17], str(reply[17]))
        return None if state == 'LISTEN' else state

    def handle(self, request):
        try:
            result = getattr(self, 'op_' + request['op'])(request)
            # The state right after the request, saving the harness a round trip when it need not wait for more.
            if request.get('then_state'):
                result['state'] = self.op_state(request)
            result.update(id=request['id'], ok=True, t=now_ms())
        except (OSError, subprocess.CalledProcessError) as e:
            result = {'id': request['id'], 'ok': False, 't': now_ms(), 'errno': errno.errorcode.get(getattr(e, 'errno', None), str(e))}
            if request.get('then_state'):
                result['state'] = self.op_state(request)
        emit(result)

    def run(self):
        emit({'ev': 'ready', 't': now_ms()})
        pending = b''
        stdin = sys.stdin.fileno()
        while True:
            readable, _, _ = select.select([stdin, self.tun, self.lost], [], [])
            # Both TUNs before stdin: whatever the kernel sent while handling the last request (its answers to a
            # written segment, the segments of a send) is printed before the reply to the next one.
            for fd in (self.tun, self.lost):
                if fd not in readable:
                    continue
                while True:
                    try:
                        packet = os.read(fd, 65536)
                    except BlockingIOError:
                        break
                    if packet[0] >> 4 == 4:
                        emit({'ev': 'packet', 't': now_ms(), 'hex': packet.hex(), 'lost': fd == self.lost})
            if stdin in readable:
                chunk = os.read(stdin, 65536)
                if not chunk:
                    return
                pending += chunk
                *lines, pending = pending.split(b'\n')
                for line in lines:
                    if line.strip():
                        self.handle(json.loads(line))


if __name__ == '__main__':
    KernelSide(sys.argv[1], sys.argv[2]).run()
