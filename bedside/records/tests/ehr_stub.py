"""A tiny FHIR transaction endpoint standing in for an EHR, run as a separate process in tests.

Usage: python ehr_stub.py PORT STORE.json — stores resources by identifier in STORE.json,
honours `ifNoneExist` (conditional create) and `PUT Type?identifier=` (conditional update),
answers a transaction-response Bundle, and prints "ready" once it listens.
"""

from __future__ import annotations

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

STORE = Path(sys.argv[2])
LOCK = __import__("threading").Lock()


def _load() -> dict[str, Any]:
    if STORE.exists():
        return dict(json.loads(STORE.read_text()))
    return {"resources": {}, "bundles": 0, "created": 0, "matched": 0}


def _save(store: dict[str, Any]) -> None:
    tmp = STORE.with_suffix(".tmp")
    tmp.write_text(json.dumps(store))
    os.replace(tmp, STORE)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        bundle = json.loads(self.rfile.read(length))
        if bundle.get("resourceType") != "Bundle" or bundle.get("type") != "transaction":
            self.send_response(400)
            self.end_headers()
            return
        responses = []
        with LOCK:
            store = _load()
            store["bundles"] += 1
            store.setdefault("auth", []).append(self.headers.get("Authorization", ""))
            for entry in bundle["entry"]:
                request, resource = entry["request"], entry["resource"]
                if request["method"] == "POST":
                    query = request["ifNoneExist"]
                    rtype = request["url"]
                else:
                    rtype, _, query = request["url"].partition("?")
                key = f"{rtype}|{unquote(query.removeprefix('identifier='))}"
                if request["method"] == "POST" and key in store["resources"]:
                    store["matched"] += 1
                    responses.append({"response": {"status": "200 OK"}})
                    continue
                created = key not in store["resources"]
                store["resources"][key] = resource
                store["created"] += int(created)
                responses.append({"response": {"status": "201 Created" if created else "200 OK"}})
            _save(store)
        body = json.dumps({"resourceType": "Bundle", "type": "transaction-response", "entry": responses}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/fhir+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    print("ready", flush=True)
    server.serve_forever()
