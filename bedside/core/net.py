"""Outbound requests to URLs that users configure (EHR endpoints, watched feeds): SSRF guard.

A URL a user typed must not make the server talk to itself, the practice network or the cloud
metadata service: the host must resolve to public addresses only, unless an administrator
allowed private ones for that purpose (an EHR on the practice network, a test feed server).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bedside.core.errors import InvalidInput


@dataclass(frozen=True)
class Pinned:
    """Where to send a request so that it reaches the address that was checked.

    `url` has the host replaced by the checked IP address; `host` is the Host header to send and
    `sni` the TLS server name (certificate checked against it), both the original host name.
    Without pinning (private addresses allowed, or an IP literal) `url` is the original and
    `host`/`sni` are empty.
    """

    url: str
    host: str = ""
    sni: str = ""

    def request_kwargs(self) -> dict[str, Any]:
        """`headers`/`extensions` to pass to httpx for this target."""
        if not self.host:
            return {}
        return {"headers": {"Host": self.host}, "extensions": {"sni_hostname": self.sni} if self.sni else {}}


def public_url_check(url: str, *, allow_private: bool, field: str, what: str, allow_setting: str) -> str:
    """Return URL stripped if it is an http(s) URL whose host resolves to public addresses only.

    Private, loopback, link-local, multicast and reserved addresses are refused unless
    ALLOW_PRIVATE (named ALLOW_SETTING in the message) is set. WHAT names the URL in messages.
    """
    public_url_pin(url, allow_private=allow_private, field=field, what=what, allow_setting=allow_setting)
    return (url or "").strip()


def public_url_pin(url: str, *, allow_private: bool, field: str, what: str, allow_setting: str) -> Pinned:
    """Check URL like `public_url_check` and pin it to one of the addresses checked, so that a
    second DNS answer (rebinding: public when checked, private when connected) is never used."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError as exc:  # "http://[" and other malformed hosts
        raise InvalidInput(f"The {what} is not a valid URL.", field=field) from exc
    if parts.scheme not in ("https", "http") or not hostname:
        raise InvalidInput(f"The {what} must be an http(s) URL.", field=field)
    if parts.username or parts.password:
        raise InvalidInput(f"The {what} must not contain a user name or password.", field=field)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise InvalidInput(f"The {what} has an invalid port.", field=field) from exc
    if allow_private:
        return Pinned(url)
    try:
        infos = socket.getaddrinfo(hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise InvalidInput(f"The {what}'s host name does not resolve.", field=field) from exc
    for info in infos:
        if not address_is_public(str(info[4][0])):
            raise InvalidInput(
                f"The {what} points to a private, loopback or link-local address; an administrator can "
                f"allow such addresses with {allow_setting}=1.",
                field=field,
            )
    address = str(infos[0][4][0]).split("%", 1)[0]
    if address == hostname.strip("[]"):
        return Pinned(url)  # an IP literal: nothing to resolve again
    literal = f"[{address}]" if ":" in address else address
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    host = f"{hostname}:{parts.port}" if parts.port else hostname
    return Pinned(urlunsplit(parts._replace(netloc=netloc)), host=host, sni=hostname if parts.scheme == "https" else "")


def address_is_public(address: str) -> bool:
    """Return whether ADDRESS (an IP literal, maybe with a %zone) is a public unicast address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    return ip.is_global and not ip.is_multicast
