"""``make -s classify``: one JSON triage per input line, nothing else on stdout.

Reads UTF-8 lines on stdin (invalid bytes are replaced, never fatal) and writes, in the
same order, one object per line with keys ``situation``, ``urgency``, ``audience`` and
``confidence``. It loads the trained Rasa model in-process and reads the ``triage`` that
the NLU component decided — the same decision the action server uses for a first
message. Logs and library chatter go to stderr: stdout carries only the JSON lines.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Iterator
from typing import Any, BinaryIO, TextIO

MAX_INPUT_CHARS = 5000  # longer lines are cut: the triage never needs more


def _protect_stdout() -> TextIO:
    """Send everything written to fd 1 to stderr, and return a writer on the real stdout."""
    real = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(real, "w", encoding="utf-8", buffering=1)


def _lines(stream: BinaryIO) -> Iterator[str]:
    for raw in stream:
        yield raw.decode("utf-8", errors="replace").rstrip("\r\n")


def _empty_triage() -> dict[str, Any]:
    return {"situation": "none", "urgency": "low", "audience": "unknown", "confidence": 1.0}


class Classifier:
    """The trained Rasa model, loaded once, answering one message at a time."""

    def __init__(self, model_path: str) -> None:
        from rasa.core.agent import Agent
        from rasa.utils.log_utils import configure_structlog

        # Rasa's debug logs print message texts: keep them off (privacy, and speed).
        configure_structlog(logging.WARNING)
        logging.getLogger("rasa").setLevel(logging.WARNING)
        self.agent = Agent.load(model_path)

    async def classify(self, text: str) -> dict[str, Any]:
        text = text[:MAX_INPUT_CHARS]
        if not text.strip():
            return _empty_triage()
        from core.normalize import as_message

        parse = await self.agent.parse_message(as_message(text))  # a line is a message, never an intent
        triage = parse.get("triage")
        if not triage:  # model without the triage component: never silent, never guessed
            from core.decide import degraded_triage

            triage = degraded_triage(text).as_dict()
        return {k: triage[k] for k in ("situation", "urgency", "audience", "confidence")}


async def _main(model_path: str, out: TextIO) -> None:
    classifier = Classifier(model_path)
    for line in _lines(sys.stdin.buffer):
        result = await classifier.classify(line)
        out.write(json.dumps(result, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True, help="trained model archive (.tar.gz)")
    args = parser.parse_args()
    out = _protect_stdout()
    asyncio.run(_main(args.model, out))
    out.flush()


if __name__ == "__main__":
    main()
