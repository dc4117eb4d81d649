"""The SSRF guard: subscriber URLs reach public addresses only, checked at creation and again at every connection.

A name is resolved once per attempt, every address it resolves to is vetted, and the connection is made to the
vetted address itself (with the name kept for the Host header, SNI and certificate check), so a DNS answer that
changes between the check and the connection (rebinding) cannot steer us to an internal address.
"""

from __future__ import annotations

import json
import re
import socket
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


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the system resolver gives for host."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise BlockedDestination(f"{host} does not resolve: {error.strerror}") from error
    addresses: list[IPAddress] = []
    for info in infos:
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
    """POST to the vetted address only, never following redirects; any failure is returned, not raised."""
    pool: urllib3.HTTPConnectionPool
    pool_options: dict[str, Any] = {
        "port": target.port,
        "timeout": urllib3.Timeout(total=timeout),
        "retries": False,
        "maxsize": 1,
    }
    if target.scheme == "https":
        # Connect to the address, but check the certificate and send SNI for the name.
        pool = urllib3.HTTPSConnectionPool(
            str(target.address),
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=ca_bundle,
            **pool_options,
        )
    else:
        pool = urllib3.HTTPConnectionPool(str(target.address), **pool_options)
    started = time.monotonic()
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": target.host_header},
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            content = response.read(MAX_RESPONSE_BYTES)
        finally:
            response.release_conn()
        return HttpResult(response.status, dict(response.headers.items()), content, None, _elapsed_ms(started))
    except urllib3.exceptions.HTTPError as error:
        return HttpResult(None, {}, b"", _describe(error, timeout), _elapsed_ms(started))
    finally:
        pool.close()


def _elapsed_ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _describe(error: Exception, timeout: float) -> str:
    if isinstance(error, urllib3.exceptions.TimeoutError) or "timed out" in str(error):
        return f"timed out after {timeout:g} s"
    reason = getattr(error, "reason", None) or error
    return f"{type(error).__name__}: {reason}"[:500]
