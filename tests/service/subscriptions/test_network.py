"""The SSRF guard: which addresses a subscriber URL may reach, in every spelling, with and without an allow-list."""

from __future__ import annotations

from ipaddress import ip_address

import pytest

from service.subscriptions.network import (
    BlockedDestination,
    IPAddress,
    NetworkPolicy,
    is_public_address,
    parse_ip_literal,
    vet,
)

NO_ALLOW_LIST = NetworkPolicy()

INTERNAL = [
    "127.0.0.1",
    "127.255.255.254",
    "10.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # carrier-grade NAT
    "0.0.0.0",
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.2.1",
    "198.18.0.1",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "fec0::1",
    "ff02::1",
    "2001:db8::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.0.0.1",
    "::127.0.0.1",  # IPv4-compatible
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "64:ff9b:1::1",  # NAT64 local use
    "2001::1",  # Teredo
]
PUBLIC = ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:808:808::1"]


@pytest.mark.parametrize("address", INTERNAL)
def test_internal_addresses_are_refused(address: str) -> None:
    assert not is_public_address(ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address: str) -> None:
    assert is_public_address(ip_address(address))


@pytest.mark.parametrize(
    "spelling",
    ["2130706433", "0x7f.1", "0177.0.0.1", "127.1", "0x7f000001", "0x7f.0.0.1", "017700000001", "127.0.1"],
)
def test_odd_spellings_of_loopback_are_read_as_loopback(spelling: str) -> None:
    literal = parse_ip_literal(spelling)
    assert literal is not None and literal.is_loopback
    with pytest.raises(BlockedDestination):
        vet(f"http://{spelling}:8080/hook", NO_ALLOW_LIST)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://[::1]:8080/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "https://169.254.169.254/latest/meta-data/",
        "http://localhost:8080/",
        "http://[64:ff9b::7f00:1]/",
    ],
)
def test_internal_urls_are_refused(url: str) -> None:
    with pytest.raises(BlockedDestination, match="not a public address"):
        vet(url, NO_ALLOW_LIST)


@pytest.mark.parametrize("url", ["ftp://example.com/", "http://user:pw@example.com/", "http:///nohost", "file:///x"])
def test_malformed_or_other_scheme_urls_are_refused(url: str) -> None:
    with pytest.raises(BlockedDestination):
        vet(url, NO_ALLOW_LIST)


def test_every_resolved_address_must_be_public() -> None:
    def half_internal(host: str, port: int) -> list[IPAddress]:
        return [ip_address("93.184.216.34"), ip_address("127.0.0.1")]

    with pytest.raises(BlockedDestination, match=r"127\.0\.0\.1"):
        vet("http://mixed.example/hook", NO_ALLOW_LIST, half_internal)


def test_the_vetted_address_is_where_we_connect() -> None:
    def public(host: str, port: int) -> list[IPAddress]:
        return [ip_address("93.184.216.34")]

    target = vet("https://news.example:8443/hooks?x=1", NO_ALLOW_LIST, public)

    assert str(target.address) == "93.184.216.34"
    assert target.host == "news.example" and target.host_header == "news.example:8443"
    assert target.path == "/hooks?x=1"


def test_the_operator_allow_list_opens_hosts_and_networks() -> None:
    by_network = NetworkPolicy.from_config({"WEBHOOK_ALLOWED_NETWORKS": ["127.0.0.0/8", "fd00::/8"]})
    by_host = NetworkPolicy.from_config({"WEBHOOK_ALLOWED_HOSTS": '["localhost"]'})

    assert str(vet("http://127.0.0.1:9/", by_network).address) == "127.0.0.1"
    assert vet("http://[fd00::5]/", by_network).address == ip_address("fd00::5")
    with pytest.raises(BlockedDestination):
        vet("http://10.0.0.1/", by_network)
    assert vet("http://localhost:9/", by_host).address.is_loopback
    with pytest.raises(BlockedDestination):
        vet("http://127.0.0.1:9/", by_host)


def test_a_name_the_idna_codec_cannot_encode_is_blocked_not_a_crash() -> None:
    with pytest.raises(BlockedDestination, match="not a valid host name"):
        vet(f"https://{'ä' * 60}.example/in", NetworkPolicy())
