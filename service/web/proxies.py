"""The client's address: X-Forwarded-For is believed only when it comes from a proxy we were told to trust."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(setting: str | Iterable[str]) -> list[Network]:
    """'10.0.0.1, 172.16.0.0/12' (or a list) as networks; a bare address is a /32 or /128."""
    items = setting.split(",") if isinstance(setting, str) else setting
    return [ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip()]


def _is_trusted(address: str, networks: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(remote_addr: str, forwarded_for: str, networks: list[Network]) -> str:
    """Walk X-Forwarded-For from the right while the hop is a trusted proxy; the first other hop is the client."""
    if not networks or not _is_trusted(remote_addr, networks):
        return remote_addr
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            return hop
    return hops[0] if hops else remote_addr


class TrustedProxies:
    """WSGI middleware: REMOTE_ADDR becomes the client's address when the request came through trusted proxies."""

    def __init__(self, wsgi_app: Any, networks: list[Network]) -> None:
        self.wsgi_app = wsgi_app
        self.networks = networks

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        remote = environ.get("REMOTE_ADDR", "")
        forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded and self.networks:
            environ["ingest.proxy_addr"] = remote
            environ["REMOTE_ADDR"] = client_address(remote, forwarded, self.networks)
        return self.wsgi_app(environ, start_response)
