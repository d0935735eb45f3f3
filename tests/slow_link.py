"""A slow network for tests of slow LLM answers: a real TCP proxy, not a fake model."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from urllib.parse import urlsplit


class SlowLink:
    """A real TCP proxy on loopback to the model server, as slow as a poor network: the
    request goes through at once, the reply at ``chunk`` bytes every ``delay`` seconds,
    or (``silent``) not at all. It records what reached the client and whether the client
    hung up, and then hangs up on the server, which stops generating."""

    def __init__(self, base_url: str, chunk: int = 256, delay: float = 0.5, silent: bool = False) -> None:
        url = urlsplit(base_url)
        self.upstream = (url.hostname, url.port)
        self.chunk, self.delay, self.silent = chunk, delay, silent
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}{url.path}"
        self.delivered = bytearray()
        self.client_hung_up = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:  # closed
                return
            server = socket.create_connection(self.upstream)
            threading.Thread(target=self._request, args=(client, server), daemon=True).start()
            threading.Thread(target=self._reply, args=(server, client), daemon=True).start()

    def _request(self, client: socket.socket, server: socket.socket) -> None:
        try:
            while data := client.recv(65536):
                server.sendall(data)
        except OSError:
            pass
        self.client_hung_up.set()
        with contextlib.suppress(OSError):  # the server may have hung up first
            server.shutdown(socket.SHUT_RDWR)

    def _reply(self, server: socket.socket, client: socket.socket) -> None:
        if self.silent:
            self.client_hung_up.wait()
        try:
            while not self.silent and (data := server.recv(self.chunk)):
                time.sleep(self.delay)
                client.sendall(data)
                self.delivered += data
        except OSError:
            pass
        client.close()
        server.close()

    def close(self) -> None:
        self.listener.close()
