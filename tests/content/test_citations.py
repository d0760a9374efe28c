"""Citations a reviewer can follow: every cited line range of a source document exists and says something."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.content.test_responses import every_variation

SOURCES = Path(__file__).resolve().parents[3] / "shared" / "sources"
DOCUMENTS = {"000": "000_02ae1c279c536358.txt", "003": "003_b11eb6c8e79489f4.txt"}
# "003 L109" or "000 L211-213": a document and its lines; "official: …" a fact the documents do
# not hold, checked in responses/helplines.yml or with the organisation; "relais: …" our own rules.
PART = re.compile(r"^(?:(?P<doc>000|003) L(?P<start>\d+)(?:-(?P<end>\d+))?|official: .+|relais: .+)$")
MAX_LINES = 12  # a citation points at a passage, not a chapter

CITED = [
    (key, v["metadata"]["source"]) for key, v in every_variation() if (v.get("metadata") or {}).get("source")
]


def parts(source: str) -> list[str]:
    return [p.strip() for p in re.split(r";\s*(?=000 |003 |official:|relais:)", source)]


SHAPE = yaml.safe_load((Path(__file__).resolve().parents[1] / "data" / "source_lines.yml").read_text("utf-8"))


def shape_of(doc: str) -> dict[str, object]:
    """Line count and blank lines of a document, read from it when it is beside the project."""
    path = SOURCES / DOCUMENTS[doc]
    if not path.exists():
        return dict(SHAPE[doc])
    lines = path.read_text("utf-8").splitlines()
    return {
        "file": path.name,
        "lines": len(lines),
        "blank": [i + 1 for i, line in enumerate(lines) if not line.strip()],
    }


@pytest.mark.skipif(
    not SOURCES.exists(), reason="the source documents live beside the project (../shared/sources)"
)
@pytest.mark.parametrize("doc", sorted(DOCUMENTS))
def test_the_stored_shape_is_the_documents(doc: str) -> None:
    # A document that changed moves the lines every citation points at: cite again, then rebuild.
    assert shape_of(doc) == SHAPE[doc]


def test_there_are_citations_to_check() -> None:
    assert len(CITED) > 150


@pytest.mark.parametrize(("key", "source"), CITED, ids=lambda x: x[:40])
def test_every_cited_passage_exists(key: str, source: str) -> None:
    for part in parts(source):
        match = PART.match(part)
        assert match, f"{key}: '{part}' is neither 'NNN Lx-y' nor 'official: …'"
        if match["doc"]:
            start, end = int(match["start"]), int(match["end"] or match["start"])
            shape = shape_of(match["doc"])
            assert 1 <= start <= end <= int(shape["lines"]) and end - start < MAX_LINES, f"{key}: {part}"  # type: ignore[call-overload]
            assert set(range(start, end + 1)) - set(shape["blank"]), f"{key}: {part} is blank"  # type: ignore[call-overload]


def test_steps_cite_a_passage_or_an_official_source() -> None:
    steps = [(k, s) for k, s in CITED if re.fullmatch(r"utter_\w+_(victim|parent|witness)_\d+", k)]
    assert len(steps) > 100
    for key, source in steps:
        assert all(PART.match(p) for p in parts(source)), key
