"""`make bench`: classify latency and throughput, train time, memory of the Rasa runtime.

Figures are measured on this machine, one message at a time after a warm-up, and written
to docs/benchmark.md as well as printed. Targets (issue #2): p50 <= 15 ms, p95 <= 40 ms,
>= 50 messages/s, train <= 5 min (issue #11), Rasa runtime <= 1.6 GB resident.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[2]
RASA = str(Path(sys.executable).parent / "rasa")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def messages() -> list[str]:
    heldout = yaml.safe_load((ROOT / "tests" / "data" / "heldout.yml").read_text("utf-8"))
    return [h["text"] for h in heldout]


async def latency(model: str, texts: list[str], rounds: int) -> tuple[list[float], float]:
    from actions.nlu.classify import Classifier

    classifier = Classifier(model)
    for text in texts[:50]:
        await classifier.classify(text)
    timings = []
    started = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            t0 = time.perf_counter()
            await classifier.classify(text)
            timings.append((time.perf_counter() - t0) * 1000)
    return timings, len(timings) / (time.perf_counter() - started)


def cli_throughput(model: str, texts: list[str]) -> tuple[float, float]:
    """`classify` as a process over 1,000 lines: (messages/s after the first answer, total s)."""
    lines = (texts * (1000 // len(texts) + 1))[:1000]
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "actions.nlu.classify", "--model", model],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdin and process.stdout
    process.stdin.write(lines[0] + "\n")
    process.stdin.flush()
    process.stdout.readline()
    first = time.perf_counter()
    process.stdin.write("\n".join(lines[1:]) + "\n")
    process.stdin.close()
    count = 1 + sum(1 for _ in process.stdout)
    process.wait()
    end = time.perf_counter()
    assert count == len(lines), count
    return (count - 1) / (end - first), end - started


def train_time() -> float:
    """A cold `rasa train` (empty cache) of the whole project into a temporary folder."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "RASA_CACHE_DIRECTORY": str(Path(tmp) / "cache")}
        started = time.perf_counter()
        subprocess.run(
            [
                RASA,
                "train",
                "--domain",
                "var/build/domain",
                "--data",
                "nlu_data",
                "stories",
                "--config",
                "config.yml",
                "--out",
                tmp,
            ],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return time.perf_counter() - started


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def runtime_memory(model: str, port: int, texts: list[str]) -> tuple[float, float]:
    """Resident memory (MB) of a Rasa server after 300 parses, and of the action server."""
    from devstack.launcher import start_engine, stop_engine

    actions, rasa = processes = start_engine(sys.executable, model, port, port + 50)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            for text in (texts * 2)[:300]:
                client.post("/model/parse", json={"text": text}).raise_for_status()
        return rss_mb(rasa.pid), rss_mb(actions.pid)
    finally:
        stop_engine(processes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--rasa-port", type=int, default=5005)
    parser.add_argument("--out", default="docs/benchmark.md")
    args = parser.parse_args()
    model = str(Path(args.model).resolve())
    texts = messages()

    timings, inproc_rate = asyncio.run(latency(model, texts, rounds=3))
    cli_rate, cli_total = cli_throughput(model, texts)
    trained = train_time()
    rasa_mb, actions_mb = runtime_memory(model, args.rasa_port + 100, texts)

    rows = [
        ("classify latency p50 (warm, one at a time)", f"{percentile(timings, 0.50):.1f} ms", "<= 15 ms"),
        ("classify latency p95", f"{percentile(timings, 0.95):.1f} ms", "<= 40 ms"),
        ("classify throughput, in-process", f"{inproc_rate:.0f} messages/s", ">= 50 messages/s"),
        (
            "`make classify` process, 1,000 lines",
            f"{cli_rate:.0f} messages/s ({cli_total:.1f} s with model load)",
            ">= 50 messages/s",
        ),
        ("train time (cold cache, NLU + dialogue)", f"{trained:.0f} s", "<= 5 min"),
        ("Rasa server resident memory", f"{rasa_mb:.0f} MB", "<= 1.6 GB"),
        ("action server resident memory", f"{actions_mb:.0f} MB", ""),
    ]
    table = ["| measure | value | target |", "|---|---|---|"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]
    header = [
        "# Benchmark of the triage engine",
        "",
        f"Generated by `make bench` on {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, "
        f"model `{Path(model).name}`, {len(timings)} timed classifications of the held-out messages.",
        "",
    ]
    Path(args.out).write_text("\n".join(header + table) + "\n", encoding="utf-8")
    print("\n".join(table))


if __name__ == "__main__":
    main()
