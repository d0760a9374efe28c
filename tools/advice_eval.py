"""`make check-advice-eval`: how far the advice checker reaches on sentences written by others.

Prints, for each set in tests/data/advice_safety*.yml, the share of unsafe sentences caught
(any rule, and all the rules the author named) and the share of safe sentences flagged.
The blind set (advice_safety_blind.yml) is never read by the people who write the rules:
this prints its figures only, never its sentences.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from tools.advice_check import check

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
SETS = ("advice_safety.yml", "advice_safety_dev2.yml", "advice_safety_blind.yml")


def figures(path: Path, show: bool) -> str:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    unsafe, safe = data["unsafe"], data["safe"]
    caught = exact = 0
    errors: list[str] = []
    for item in unsafe:
        found = check(item["text"])
        caught += bool(found)
        exact += set(item["rules"]) <= set(found)
        if not found:
            errors.append(f"  missed {item['rules']}: {item['text']}")
    flagged = [(check(text), text) for text in safe]
    flagged = [(rules, text) for rules, text in flagged if rules]
    errors += [f"  flagged {rules}: {text}" for rules, text in flagged]
    line = (
        f"{path.name}: unsafe caught {caught}/{len(unsafe)} ({caught / len(unsafe):.0%}), "
        f"with every rule named {exact}/{len(unsafe)}; safe flagged {len(flagged)}/{len(safe)} "
        f"({len(flagged) / len(safe):.1%})"
    )
    return "\n".join([line, *errors]) if show and "blind" not in path.name else line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show", action="store_true", help="print the errors of the sets that are not blind")
    args = parser.parse_args()
    for name in SETS:
        if (DATA / name).exists():
            print(figures(DATA / name, args.show))


if __name__ == "__main__":
    main()
