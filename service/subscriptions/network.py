"""The SSRF guard: subscriber URLs reach public addresses only, checked at creation and again at every connection.

A name is resolved once per attempt, every address it resolves to is vetted, and the connection is made to the
vetted address itself (with the name kept for the Host header, SNI and certificate check), so a DNS answer that
changes between the check and the connection (rebinding) cannot steer us to an internal address.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import Any
from urllib.parse import urlsplit

import urllib3

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network
Resolver = Callable[[str, int], list[IPAddress]]

# IPv6 forms that carry an IPv4 address in their last 32 bits: the IPv4 address decides.
NAT64 = ip_network("64:ff9b::/96")
NAT64_LOCAL_USE = ip_network("64:ff9b:1::/48")
IPV4_COMPATIBLE = ip_network("::/96")
# inet_aton reads the historical spellings of IPv4 (2130706433, 0x7f.1, 0177.0.0.1, 127.1); names never match this.
IPV4_NUMERIC_SPELLING = re.compile(r"^(0[xX][0-9a-fA-F]*|[0-9]+)(\.(0[xX][0-9a-fA-F]*|[0-9]+)){0,3}$")

MAX_RESPONSE_BYTES = 64 * 1024
# getaddrinfo has no timeout of its own: a resolver that never answers must not hold a worker (or a request).
DNS_TIMEOUT_SECONDS = 5.0


class BlockedDestination(ValueError):
    """The URL cannot be used: a bad scheme or host, or it resolves to an address we must not connect to."""


@dataclass(frozen=True)
class NetworkPolicy:
    """What an operator allows besides the public Internet (INGEST_WEBHOOK_ALLOWED_HOSTS / _NETWORKS)."""

    allowed_hosts: frozenset[str] = frozenset()
    allowed_networks: tuple[IPNetwork, ...] = field(default_factory=tuple)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> NetworkPolicy:
        hosts = _as_list(config.get("WEBHOOK_ALLOWED_HOSTS"))
        networks = _as_list(config.get("WEBHOOK_ALLOWED_NETWORKS"))
        return cls(
            allowed_hosts=frozenset(host.lower().strip("[]") for host in hosts),
            allowed_networks=tuple(ip_network(network, strict=False) for network in networks),
        )

    def allows(self, host: str, address: IPAddress) -> bool:
        if host.lower() in self.allowed_hosts:
            return True
        if any(address in network for network in self.allowed_networks if network.version == address.version):
            return True
        return is_public_address(address)


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else []
    return [str(item) for item in value or []]


def embedded_ipv4(address: IPv6Address) -> IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, IPv4-compatible, 6to4 or NAT64 IPv6 address."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64 or address in IPV4_COMPATIBLE:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public_address(address: IPAddress) -> bool:
    """True for a globally routable unicast address; loopback, private, link-local, multicast and the rest are not."""
    if isinstance(address, IPv6Address):
        if (inner := embedded_ipv4(address)) is not None:
            return is_public_address(inner)
        if address in NAT64_LOCAL_USE or address.is_site_local or address.teredo is not None:
            return False
    return address.is_global and not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address a host names literally, in any spelling a resolver would accept; None for a name."""
    text = host.strip("[]").split("%", 1)[0]
    try:
        return ip_address(text)
    except ValueError:
        pass
    if IPV4_NUMERIC_SPELLING.match(text):
        try:
            return IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    return None


def resolve(host: str, port: int, timeout: float = DNS_TIMEOUT_SECONDS) -> list[IPAddress]:
    """Every address the system resolver gives for host, waiting at most `timeout` seconds for it."""
    answer: list[Any] = []
    failure: list[BaseException] = []

    def lookup() -> None:
        try:
            answer.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except BaseException as error:  # handed to the caller's thread below
            failure.append(error)

    # A daemon thread: a lookup that never returns is abandoned, not waited for.
    lookup_thread = threading.Thread(target=lookup, name="webhook-dns", daemon=True)
    lookup_thread.start()
    lookup_thread.join(timeout)
    if lookup_thread.is_alive():
        raise BlockedDestination(f"{host} did not resolve within {timeout:g} s")
    if failure:
        error = failure[0]
        if isinstance(error, socket.gaierror):
            raise BlockedDestination(f"{host} does not resolve: {error.strerror}") from error
        # The IDNA codec rejects a name it cannot encode (a label over 63 characters, say) with a UnicodeError.
        if isinstance(error, ValueError):
            raise BlockedDestination(f"{host} is not a valid host name: {error}") from error
        raise error
    addresses: list[IPAddress] = []
    for info in answer:
        address = ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


@dataclass(frozen=True)
class Target:
    """A vetted destination: where to connect, and the name to present there."""

    scheme: str
    host: str
    port: int
    path: str
    address: IPAddress

    @property
    def host_header(self) -> str:
        default_port = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default_port else f"{host}:{self.port}"


def split_url(url: str) -> tuple[str, str, int, str]:
    """Scheme, host, port and path+query of an http(s) URL, or BlockedDestination."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise BlockedDestination("Only http and https URLs can receive webhooks.")
    if parts.username or parts.password:
        raise BlockedDestination("Credentials in the URL are not allowed; use the signature to authenticate us.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise BlockedDestination(f"The port is not valid: {error}") from error
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise BlockedDestination("The URL has no host.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, host, port, path


def vet(url: str, policy: NetworkPolicy, resolver: Resolver = resolve) -> Target:
    """Resolve the URL's host and check every address; the first one is where we will connect."""
    scheme, host, port, path = split_url(url)
    literal = parse_ip_literal(host)
    addresses = [literal] if literal is not None else resolver(host, port)
    if not addresses:
        raise BlockedDestination(f"{host} resolves to no address.")
    blocked = [str(address) for address in addresses if not policy.allows(host, address)]
    if blocked:
        raise BlockedDestination(
            f"{host} resolves to {', '.join(blocked)}, which is not a public address; "
            "an operator can allow it with INGEST_WEBHOOK_ALLOWED_HOSTS or INGEST_WEBHOOK_ALLOWED_NETWORKS."
        )
    return Target(scheme, str(literal) if literal is not None else host, port, path, addresses[0])


@dataclass
class HttpResult:
    status_code: int | None
    headers: dict[str, str]
    body: bytes
    error: str | None
    latency_ms: int


def post_pinned(
    target: Target, body: bytes, headers: dict[str, str], timeout: float, ca_bundle: str | None = None
) -> HttpResult:
    """POST to the vetted address only, never following redirects, within `timeout` seconds in all; never raises."""
    exchange = _Exchange(target, body, headers, timeout, ca_bundle)
    started = time.monotonic()
    # urllib3's timeouts bound each socket operation, not the whole exchange: a receiver trickling a byte at a time
    # would hold us for as long as it likes. The exchange runs in its own thread, and at the deadline its socket is
    # shut down and the attempt is over for us, whatever that thread is still blocked in.
    sender = threading.Thread(target=exchange.run, name="webhook-post", daemon=True)
    sender.start()
    sender.join(timeout)
    if sender.is_alive():
        exchange.abandon()
        return HttpResult(None, {}, b"", f"timed out after {timeout:g} s", _elapsed_ms(started))
    assert exchange.result is not None  # the thread always leaves a result
    exchange.result.latency_ms = _elapsed_ms(started)
    return exchange.result


class _Exchange:
    """One POST over one pinned connection, whose socket another thread can shut down."""

    def __init__(
        self, target: Target, body: bytes, headers: dict[str, str], timeout: float, ca_bundle: str | None
    ) -> None:
        self.target = target
        self.body = body
        self.headers = headers
        self.timeout = timeout
        self.ca_bundle = ca_bundle
        self.result: HttpResult | None = None
        self._lock = threading.Lock()
        self._abandoned = False
        self._connections: list[urllib3.connection.HTTPConnection] = []

    def watch(self, connection: urllib3.connection.HTTPConnection) -> None:
        """Called once a connection is up: remember it, or close it at once if the deadline already passed."""
        with self._lock:
            self._connections.append(connection)
            abandoned = self._abandoned
        if abandoned:
            _shut_down(connection)

    def abandon(self) -> None:
        """The deadline passed: cut every connection so the thread's blocked read or write ends now."""
        with self._lock:
            self._abandoned = True
            connections = list(self._connections)
        for connection in connections:
            _shut_down(connection)

    def run(self) -> None:
        try:
            self.result = self._post()
        # Any failure is an outcome of the attempt, never a crash of the thread that nobody would see.
        except Exception as error:
            self.result = HttpResult(None, {}, b"", _describe(error, self.timeout), 0)

    def _post(self) -> HttpResult:
        target = self.target
        pool: urllib3.HTTPConnectionPool
        pool_options: dict[str, Any] = {
            "port": target.port,
            "timeout": urllib3.Timeout(connect=self.timeout, read=self.timeout),
            "retries": False,
            "maxsize": 1,
            "exchange": self,
        }
        if target.scheme == "https":
            # Connect to the address, but check the certificate and send SNI for the name.
            pool = _WatchedHTTPSConnectionPool(
                str(target.address),
                server_hostname=target.host,
                assert_hostname=target.host,
                cert_reqs="CERT_REQUIRED",
                ca_certs=self.ca_bundle,
                **pool_options,
            )
        else:
            pool = _WatchedHTTPConnectionPool(str(target.address), **pool_options)
        try:
            response = pool.urlopen(
                "POST",
                target.path,
                body=self.body,
                headers={**self.headers, "Host": target.host_header},
                redirect=False,
                retries=False,
                preload_content=False,
                assert_same_host=False,
            )
            try:
                content = response.read(MAX_RESPONSE_BYTES)
            finally:
                response.release_conn()
            return HttpResult(response.status, dict(response.headers.items()), content, None, 0)
        except (urllib3.exceptions.HTTPError, OSError) as error:
            return HttpResult(None, {}, b"", _describe(error, self.timeout), 0)
        finally:
            pool.close()


class _WatchedConnection:
    """Hands the connection to its exchange once connected, so the deadline can cut it off."""

    def __init__(self, *args: Any, exchange: _Exchange, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._exchange = exchange

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        self._exchange.watch(self)  # type: ignore[arg-type]


class _WatchedHTTPConnection(_WatchedConnection, urllib3.connection.HTTPConnection):
    pass


class _WatchedHTTPSConnection(_WatchedConnection, urllib3.connection.HTTPSConnection):
    pass


class _WatchedHTTPConnectionPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSConnectionPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


def _shut_down(connection: urllib3.connection.HTTPConnection) -> None:
    sock = connection.sock
    if sock is None:
        return
    # It may already be closed, by the other side or by the thread itself.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _elapsed_ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _describe(error: Exception, timeout: float) -> str:
    if isinstance(error, urllib3.exceptions.TimeoutError) or "timed out" in str(error):
        return f"timed out after {timeout:g} s"
    reason = getattr(error, "reason", None) or error
    return f"{type(error).__name__}: {reason}"[:500]
