"""The client address used by rate limits and audit rows, behind trusted reverse proxies or not."""

from __future__ import annotations

import ipaddress

import pytest
from django.http import HttpRequest
from django.test import RequestFactory, override_settings

from bedside.audit.services import client_ip
from config.settings.env import SettingError, env_networks

PROXIES = [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/8")]


def _request(remote: str, forwarded: str | None = None) -> HttpRequest:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert client_ip(_request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


@override_settings(BEDSIDE_TRUSTED_PROXIES=PROXIES)
@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("127.0.0.1", "203.0.113.9", "203.0.113.9"),  # one proxy
        ("127.0.0.1", "203.0.113.9, 10.0.0.5", "203.0.113.9"),  # two proxies
        ("127.0.0.1", "1.2.3.4, 203.0.113.9, 10.0.0.5", "203.0.113.9"),  # a spoofed left entry is not used
        ("198.51.100.7", "203.0.113.9", "198.51.100.7"),  # not from a proxy: the header is the client's own
        ("127.0.0.1", None, "127.0.0.1"),  # a proxy that sent no header
        ("127.0.0.1", "not-an-ip, 10.0.0.5", "10.0.0.5"),  # malformed: stop at the last trusted hop
        ("127.0.0.1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_behind_trusted_proxies_the_rightmost_untrusted_entry_is_the_client(remote: str, forwarded: str | None, expected: str) -> None:
    assert client_ip(_request(remote, forwarded)) == expected


def test_the_setting_is_parsed_strictly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEDSIDE_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8, ::1")
    assert [str(n) for n in env_networks("BEDSIDE_TRUSTED_PROXIES")] == ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]
    monkeypatch.setenv("BEDSIDE_TRUSTED_PROXIES", "127.0.0.1, proxy.local")
    with pytest.raises(SettingError, match=r"proxy\.local"):
        env_networks("BEDSIDE_TRUSTED_PROXIES")
