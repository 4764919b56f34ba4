"""SSRF guard and address pinning for user-configured URLs (core/net.py), against a real HTTP server."""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import httpx
import pytest

from bedside.core import net
from bedside.core.errors import InvalidInput

CHECK = {"allow_private": False, "field": "url", "what": "URL", "allow_setting": "X"}


def _resolver(answers: dict[str, list[str]], calls: dict[str, int] | None = None) -> Any:
    """getaddrinfo answering from ANSWERS, one address per call (rebinding: the next call gets
    the next one), IP literals as themselves, and refusing any other name; CALLS counts lookups."""
    calls = {} if calls is None else calls

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (host, port))]
        if host not in answers:
            raise socket.gaierror("unknown name")
        index = min(calls.get(host, 0), len(answers[host]) - 1)
        calls[host] = calls.get(host, 0) + 1
        address = answers[host][index]
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    return getaddrinfo


@pytest.fixture
def server() -> Iterator[tuple[int, list[str]]]:
    hosts: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            hosts.append(self.headers.get("Host", ""))
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(201)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_port, hosts
    httpd.shutdown()
    httpd.server_close()


def test_pinned_url_carries_the_checked_address_host_and_sni(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", _resolver({"ehr.example.org": ["93.184.215.14"], "v6.example.org": ["2606:2800:21f:cb07:6820:80da:af6b:8b2c"]}))
    assert net.public_url_check(" https://ehr.example.org:8443/fhir ", **CHECK) == "https://ehr.example.org:8443/fhir"
    assert net.public_url_pin("https://ehr.example.org:8443/fhir", **CHECK) == net.Pinned("https://93.184.215.14:8443/fhir", host="ehr.example.org:8443", sni="ehr.example.org")
    assert net.public_url_pin("http://v6.example.org/fhir", **CHECK).url == "http://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/fhir"
    assert net.public_url_pin("https://93.184.215.14/fhir", **CHECK) == net.Pinned("https://93.184.215.14/fhir")


def test_rebinding_answer_is_never_used(monkeypatch: pytest.MonkeyPatch, server: tuple[int, list[str]]) -> None:
    """The name answers "public" once, then "private": the request goes to the first answer."""
    port, hosts = server
    lookups: dict[str, int] = {}
    monkeypatch.setattr(socket, "getaddrinfo", _resolver({"ehr.test": ["127.0.0.1", "10.9.9.9"]}, lookups))
    monkeypatch.setattr(net, "address_is_public", lambda address: address == "127.0.0.1")  # stands in for a public address
    pinned = net.public_url_pin(f"http://ehr.test:{port}/fhir", **CHECK)
    assert pinned.url == f"http://127.0.0.1:{port}/fhir"
    kwargs = pinned.request_kwargs()
    response = httpx.post(pinned.url, content=b"{}", headers=kwargs["headers"])  # no second lookup of ehr.test
    assert response.status_code == 201 and hosts == [f"ehr.test:{port}"]
    assert lookups == {"ehr.test": 1}  # the request itself did not look the name up again
    with pytest.raises(InvalidInput, match="private"):
        net.public_url_pin(f"http://ehr.test:{port}/fhir", **CHECK)  # the second answer is refused


def test_private_allowed_is_not_pinned() -> None:
    pinned = net.public_url_pin("http://127.0.0.1:9/fhir", **{**CHECK, "allow_private": True})
    assert pinned == net.Pinned("http://127.0.0.1:9/fhir") and pinned.request_kwargs() == {}
