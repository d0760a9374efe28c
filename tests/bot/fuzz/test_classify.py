"""Property-based fuzzing of `make -s classify` (actions/nlu/classify.py) with thousands of random lines.

The classifier runs in the Rasa environment, which has no hypothesis: the lines are generated
here (bot environment) and fed to one classify process, run with the Rasa environment's
Python, as `make -s classify` does. For RELAIS_FUZZ_EXAMPLES lines (default 5,000): exit code
0; exactly one JSON object per line, in order, with valid labels and nothing else on stdout;
and no input text on stderr.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from core.labels import AUDIENCES, SITUATIONS, URGENCIES
from tests.bot.fuzz import strategies as s
from tests.net import required_path

ROOT = Path(__file__).resolve().parents[3]
EMPTY = {"situation": "none", "urgency": "low", "audience": "unknown", "confidence": 1.0}
CRISIS = "jveux plus etre la"
# ~120 lines/s after a 12 s model load: 5,000 lines keep `make test` short; RELAIS_FUZZ_EXAMPLES=10000 for the
# full run.
DEFAULT_LINES = 5000
# Anchors at known places: a shifted, dropped or doubled answer breaks them.
EMPTY_EVERY, CRISIS_EVERY = 97, 101
# Rasa's "message.parsing.failed" warning quotes a line that starts with "/" ("/@..."): fixed by
# classify reading every line as a message (core/normalize.as_message); guarded here.
PARSING_FAILED = '"event": "message.parsing.failed"'


def _line(text: str) -> bytes:
    return text.replace("\n", " ").encode()  # one message per line


# Huge lines cost the classifier ~50 times a short one (it reads up to 5,000 characters): 1 in 100.
lines = s.sometimes(s.huge_text, s.ordinary_text, 1).map(_line) | st.binary(max_size=200).map(
    lambda raw: raw.replace(b"\n", b" ")  # invalid UTF-8 is replaced, never fatal
)


def _configured(variable: str, default: str) -> Path:
    return required_path(ROOT, variable, default, "run `make install train` (CI sets it through `make test`)")


def _generated(count: int) -> list[bytes]:
    found: list[bytes] = []

    @s.fuzz_settings(count)
    @given(line=lines)
    def collect(line: bytes) -> None:
        found.append(line)

    collect()
    for index in range(0, len(found), EMPTY_EVERY):
        found[index] = b""
    for index in range(CRISIS_EVERY // 2, len(found), CRISIS_EVERY):
        found[index] = CRISIS.encode()
    return found


def _leaks(line: bytes, stderr: str) -> bool:
    """Whether a distinctive line shows in stderr, raw or escaped the way JSON or repr() would show it."""
    text = line.decode("utf-8", errors="replace").strip()
    if not s.scannable(text):
        return False
    head = text[:64].strip()
    return any(form and form in stderr for form in (head, json.dumps(head)[1:-1], repr(head)[1:-1]))


def test_classify_answers_every_random_line_in_order_and_logs_none(tmp_path: Path) -> None:
    model = _configured("RELAIS_MODEL", "models/current.tar.gz")
    python = _configured("RELAIS_RASA_PYTHON", ".venv/rasa/bin/python")
    inputs = _generated(s.examples(DEFAULT_LINES))
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONWARNINGS": "ignore",
    }
    started = time.monotonic()
    result = subprocess.run(
        [str(python), "-m", "actions.nlu.classify", "--model", str(model)],
        cwd=ROOT,
        env=env,
        input=b"\n".join(inputs) + b"\n",
        capture_output=True,
        timeout=900,
    )
    elapsed = time.monotonic() - started
    stderr = result.stderr.decode("utf-8", errors="replace")
    assert result.returncode == 0, stderr[-3000:]

    out = result.stdout.decode("utf-8")
    assert out.endswith("\n")
    rows = [json.loads(row) for row in out[:-1].split("\n")]  # each row parses alone: nothing else on stdout
    assert len(rows) == len(inputs)
    for line, row in zip(inputs, rows, strict=True):
        assert isinstance(row, dict) and set(row) == set(EMPTY), (line, row)
        assert (
            row["situation"] in SITUATIONS and row["urgency"] in URGENCIES and row["audience"] in AUDIENCES
        ), (line, row)
        assert isinstance(row["confidence"], int | float) and 0.0 <= row["confidence"] <= 1.0, (line, row)
        if not line.decode("utf-8", errors="replace").strip():
            assert row == EMPTY, (line, row)
        if line == CRISIS.encode():
            assert row["urgency"] == "critical", row

    assert PARSING_FAILED not in stderr  # no line was read as an intent
    leaked = [line for line in inputs if _leaks(line, stderr)]
    assert not leaked, f"{len(leaked)} input lines on stderr, e.g. {leaked[:3]}"
    print(
        f"\nclassified {len(inputs)} random lines in {elapsed:.0f} s ({len(inputs) / elapsed:.0f}/s, model "
        f"load included)"
    )
