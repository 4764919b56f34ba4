"""A small closed-loop HTTP load generator (its own process): N clients, each a keep-alive
connection, each POSTing messages to its own thread for a fixed time after a warm-up.

`python -m bench.loadgen TARGETS.json --ports 8001[,8002] --clients 50 --warmup 3 --duration 20`
prints one JSON line: {"rps", "p50_ms", "p99_ms", "clients", "requests", "errors", "statuses",
"created": [message ids answered 201]}.

It speaks HTTP/1.1 over asyncio streams rather than through httpx: on a 2-core machine shared
with the server, the client's own CPU cost is taken from the server under test, and a raw
keep-alive request costs a small fraction of an httpx one. Every response is parsed (status,
Content-Length, body), so a refused or failed request is counted, never mistaken for success.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from pathlib import Path

BODIES_SEED = 11


def bodies(n: int = 400) -> list[str]:
    """Return realistic 200–500-character patient messages (the screening development set's texts)."""
    from bedside.screening.evaluate import load

    texts = [item["text"] for item in load()]
    rng = random.Random(BODIES_SEED)  # noqa: S311 - a reproducible sample, not a secret
    out = []
    for _ in range(n):
        length = rng.randint(200, 500)
        text = ""
        while len(text) < length:
            text += rng.choice(texts) + " "
        out.append(text[:length].strip())
    return out


async def _request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> tuple[int, bytes]:
    writer.write(raw)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        if line.lower().startswith("content-length:"):
            length = int(line.split(":", 1)[1])
    body = await reader.readexactly(length) if length else b""
    return status, body


async def _client(target: dict[str, object], port: int, texts: list[str], start_at: float, stop_at: float,
                  latencies: list[float], statuses: dict[int, int], created: list[int], seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311
    path = f"/api/v1/threads/{target['thread']}/messages"
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while True:
            now = time.perf_counter()
            if now >= stop_at:
                return
            payload = json.dumps({"body": rng.choice(texts)}).encode()
            raw = (
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {target['token']}\r\n"
                f"Content-Type: application/json\r\nX-Forwarded-Proto: https\r\n"
                f"Content-Length: {len(payload)}\r\n\r\n"
            ).encode() + payload
            began = time.perf_counter()
            try:
                status, body = await _request(reader, writer, raw)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                statuses[0] = statuses.get(0, 0) + 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            ended = time.perf_counter()
            if status == 201:
                created.append(int(json.loads(body)["id"]))
            if began >= start_at and ended <= stop_at:
                latencies.append(ended - began)
                statuses[status] = statuses.get(status, 0) + 1
    finally:
        writer.close()


async def drive(targets: list[dict[str, object]], ports: list[int], clients: int, warmup: float,
                duration: float) -> dict[str, object]:
    texts = bodies()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    created: list[int] = []
    start_at = time.perf_counter() + warmup
    stop_at = start_at + duration
    await asyncio.gather(*(
        _client(targets[i % len(targets)], ports[i % len(ports)], texts, start_at, stop_at, latencies, statuses,
                created, seed=i)
        for i in range(clients)
    ))
    ok = statuses.get(201, 0)
    latencies.sort()
    q = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) >= 2 else [0.0] * 99
    return {
        "rps": round(ok / duration, 1),
        "p50_ms": round(q[49] * 1000, 1),
        "p99_ms": round(q[98] * 1000, 1),
        "clients": clients,
        "requests": len(latencies),
        "errors": len(latencies) - ok + statuses.get(0, 0),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "created": created,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("targets", type=Path)
    parser.add_argument("--ports", required=True)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--duration", type=float, default=20.0)
    args = parser.parse_args(argv)
    targets = json.loads(args.targets.read_text())
    ports = [int(p) for p in args.ports.split(",")]
    result = asyncio.run(drive(targets, ports, args.clients, args.warmup, args.duration))
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    raise SystemExit(main())
