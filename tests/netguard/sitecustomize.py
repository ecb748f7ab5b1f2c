"""Network guard for a server under test: loaded by Python at start (``PYTHONPATH`` names this
folder) when ``LMS_BOARD_NETGUARD_LOG`` is set. Every attempt to reach a host other than the
loopback interface (a TCP/UDP connect, a datagram, a DNS lookup) is written to that file, one
line each, and refused. Unix sockets and 127.0.0.0/8, ::1 and localhost pass.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import Any

_LOG = os.environ.get("LMS_BOARD_NETGUARD_LOG", "")


def _local(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host in (None, "", "localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _refuse(what: str) -> None:
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(f"{os.getpid()} {what}\n")


def _inet(sock: socket.socket) -> bool:
    return sock.family in (socket.AF_INET, socket.AF_INET6)


if _LOG:
    _connect = socket.socket.connect
    _connect_ex = socket.socket.connect_ex
    _sendto = socket.socket.sendto
    _getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        if _inet(self) and not _local(address[0]):
            _refuse(f"connect {address!r}")
            raise OSError(101, "network guard: no connection beyond 127.0.0.1")
        _connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if _inet(self) and not _local(address[0]):
            _refuse(f"connect_ex {address!r}")
            return 101
        return _connect_ex(self, address)

    def sendto(self: socket.socket, data: Any, *args: Any) -> int:
        address = args[-1]
        if _inet(self) and not _local(address[0]):
            _refuse(f"sendto {address!r}")
            raise OSError(101, "network guard: no datagram beyond 127.0.0.1")
        return _sendto(self, data, *args)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _local(host):
            _refuse(f"getaddrinfo {host!r}")
            raise socket.gaierror(socket.EAI_NONAME, "network guard: no name lookups")
        return _getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = sendto  # type: ignore[assignment]
    socket.getaddrinfo = getaddrinfo
