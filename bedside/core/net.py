"""Outbound requests to URLs that users configure (EHR endpoints, watched feeds): SSRF guard.

A URL a user typed must not make the server talk to itself, the practice network or the cloud
metadata service: the host must resolve to public addresses only, unless an administrator
allowed private ones for that purpose (an EHR on the practice network, a test feed server).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from bedside.core.errors import InvalidInput


def public_url_check(url: str, *, allow_private: bool, field: str, what: str, allow_setting: str) -> str:
    """Return URL stripped if it is an http(s) URL whose host resolves to public addresses only.

    Private, loopback, link-local, multicast and reserved addresses are refused unless
    ALLOW_PRIVATE (named ALLOW_SETTING in the message) is set. WHAT names the URL in messages.
    """
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
        return url
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
    return url


def address_is_public(address: str) -> bool:
    """Return whether ADDRESS (an IP literal, maybe with a %zone) is a public unicast address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    return ip.is_global and not ip.is_multicast
