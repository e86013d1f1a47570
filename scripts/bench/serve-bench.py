#!/usr/bin/env python3
"""Load on `mtcheck serve`, bounded and on loopback (issue 26): REQUESTS requests from CLIENTS
concurrent clients, each a 5,000-word article (target/bench/news-5000.txt, from
scripts/bench/bench-texts.sh) to `POST /v1/check`. Prints errors, p50 / p99 latency, requests
per second, and the server's resident memory sampled through the run (flat = no growth).

Standard library only.
  scripts/bench/serve-bench.py [BIN] [--requests 5000] [--clients 32] [--endpoint v1|v2]
"""
import argparse
import http.client
import json
import os
import re
import subprocess
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", nargs="?", default=os.path.join(ROOT, "target", "release", "mtcheck"))
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--endpoint", choices=["v1", "v2"], default="v1")
    args = parser.parse_args()
    article = os.path.join(ROOT, "target", "bench", "news-5000.txt")
    if not os.path.exists(article):
        subprocess.run([os.path.join(ROOT, "scripts", "bench", "bench-texts.sh")], check=True)
    text = open(article, encoding="utf-8").read()
    if args.endpoint == "v1":
        path, body, ctype = "/v1/check", json.dumps({"text": text}), "application/json"
    else:
        path, body, ctype = "/v2/check", urllib.parse.urlencode({"text": text, "language": "en-US"}), \
            "application/x-www-form-urlencoded"
    server = subprocess.Popen([args.binary, "serve", "--bind", "127.0.0.1:0", "--max-queue", str(args.clients)],
                              stderr=subprocess.PIPE, text=True)
    line = server.stderr.readline()
    host, port = re.search(r"http://([\d.]+):(\d+)", line).groups()
    threading.Thread(target=lambda: server.stderr.read(), daemon=True).start()

    latencies, errors, lock = [], [], threading.Lock()
    remaining = [args.requests]

    def client():
        connection = http.client.HTTPConnection(host, int(port), timeout=120)
        while True:
            with lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
            start = time.perf_counter()
            try:
                connection.request("POST", path, body=body.encode("utf-8"), headers={"Content-Type": ctype})
                response = connection.getresponse()
                payload = response.read()
                ok = response.status == 200 and payload.startswith(b"{")
            except OSError as e:
                ok, payload = False, str(e).encode()
                connection = http.client.HTTPConnection(host, int(port), timeout=120)
            with lock:
                (latencies if ok else errors).append(time.perf_counter() - start if ok else payload[:200])

    rss = [rss_kb(server.pid)]
    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        time.sleep(1)
        rss.append(rss_kb(server.pid))
    elapsed = time.perf_counter() - started
    server.terminate()
    server.wait(timeout=30)
    latencies.sort()
    pct = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else float("nan")
    quarter = max(1, len(rss) // 4)
    print(f"{args.requests} requests ({len(text.split())}-word article, {path}), {args.clients} clients: "
          f"{len(errors)} errors, p50 {pct(0.5):.0f} ms, p99 {pct(0.99):.0f} ms, {len(latencies) / elapsed:.1f} requests/s, "
          f"{elapsed:.0f} s; server RSS at start {rss[0] / 1024:.0f} MB, max of first quarter "
          f"{max(rss[:quarter]) / 1024:.0f} MB, max of last quarter {max(rss[-quarter:]) / 1024:.0f} MB")
    if errors:
        print("first error:", errors[0])


if __name__ == "__main__":
    main()
