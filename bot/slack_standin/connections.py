"""The stand-in's connections: each accepted TCP connection counted (so a test or a bench sees
whether a client keeps them open), and, when asked, HTTPS in front of the plain server.

waitress speaks plain HTTP only; `TlsFront` accepts TLS connections and pipes each to the
plain server over one connection of its own, so a kept-alive TLS connection stays one
kept-alive connection behind it."""

from __future__ import annotations

import contextlib
import select
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

CHUNK = 65536


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made with the `openssl` command, for serving
    the stand-in over HTTPS (a client trusts it by an SSL context that loads it)."""
    cert, key = directory / "standin-cert.pem", directory / "standin-key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def count_accepted(server: Any, on_accept: Callable[[], None]) -> None:
    """Call `on_accept` for each connection the waitress `server` accepts (its channel class,
    which it makes one of per connection, told first)."""
    base = server.channel_class

    class CountedChannel(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            on_accept()
            super().__init__(*args, **kwargs)

    server.channel_class = CountedChannel


class TlsFront:
    """Listens on (host, port) for TLS with the certificate in `certfile` (key in `keyfile`),
    each connection counted at accept and piped to the plain server at `upstream`."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        upstream: tuple[str, int],
        certfile: str,
        keyfile: str,
        on_accept: Callable[[], None],
    ) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(certfile, keyfile)
        self.upstream = upstream
        self.on_accept = on_accept
        self.listener = socket.create_server((host, port))
        self.port: int = self.listener.getsockname()[1]
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, name="standin-tls", daemon=True).start()

    def close(self) -> None:
        self.listener.close()
        with self._lock:
            for sock in list(self._open):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:  # closed
                return
            self.on_accept()
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        self._track(conn, True)
        try:
            # Pieces of one answer go out at once, not 40 ms apart (Nagle and delayed ACKs).
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with (
                self.context.wrap_socket(conn, server_side=True) as tls,
                socket.create_connection(self.upstream) as plain,
            ):
                plain.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self._track(plain, True)
                try:
                    _pipe(tls, plain)
                finally:
                    self._track(plain, False)
        except OSError:  # a handshake refused, a peer gone: the connection ends
            pass
        finally:
            self._track(conn, False)
            conn.close()

    def _track(self, sock: socket.socket, live: bool) -> None:
        with self._lock:
            if live:
                self._open.add(sock)
            else:
                self._open.discard(sock)


def _pipe(tls: ssl.SSLSocket, plain: socket.socket) -> None:
    """Bytes both ways until either side closes. One thread: an SSL socket is not to be read
    and written from two at once. Bytes TLS has already decrypted are read before waiting."""
    while True:
        ready = [tls] if tls.pending() else select.select([tls, plain], [], [])[0]
        for source in ready:
            data = source.recv(CHUNK)
            if not data:
                return
            (plain if source is tls else tls).sendall(data)
