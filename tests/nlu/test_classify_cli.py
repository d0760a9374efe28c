"""`make -s classify`: the stable contract used by checks outside the project."""

from __future__ import annotations

import json
import subprocess

from core.labels import AUDIENCES, SITUATIONS, URGENCIES
from tests.nlu.conftest import ROOT

LINES = [
    "salut",
    "",
    "il menace d'envoyer mes nudes a mes potes si je paye pas 200€ avant ce soir",
    "jveux plus etre la",
    "x" * 10_000,
    "😭😭😭🙏",
    "hello, someone is sharing my pictures",
    "这是什么",
]


def test_one_json_object_per_line_in_order_even_for_bad_input() -> None:
    stdin = ("\n".join(LINES) + "\n").encode() + b"\xff\xfe invalid utf-8 \xc3\x28\n"
    result = subprocess.run(
        ["make", "-s", "classify"], cwd=ROOT, input=stdin, capture_output=True, timeout=600, check=True
    )
    rows = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(rows) == len(LINES) + 1
    for row in rows:
        assert set(row) == {"situation", "urgency", "audience", "confidence"}
        assert row["situation"] in SITUATIONS
        assert row["urgency"] in URGENCIES
        assert row["audience"] in AUDIENCES
        assert 0.0 <= row["confidence"] <= 1.0
    assert rows[1] == {"situation": "none", "urgency": "low", "audience": "unknown", "confidence": 1.0}
    assert (rows[2]["situation"], rows[2]["urgency"]) == ("sextortion", "high")
    assert rows[3]["urgency"] == "critical"
