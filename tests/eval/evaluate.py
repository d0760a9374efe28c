"""`make eval`: the triage on the held-out set, against two baselines, plus cross-validation.

Writes docs/evaluation.md. The held-out set (tests/data/heldout.yml) was written apart
from nlu_data/ and is never trained on (tests/nlu_data checks the two do not overlap).
The outside corpus (../shared/data) is used only to count false alarms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import yaml
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from actions.core.labels import AUDIENCES, SITUATIONS, URGENCIES, situation_of_intent

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = ROOT / "tests" / "data" / "heldout.yml"
NEUTRAL = ROOT.parent / "shared" / "data" / "cyberagression_neutral_fr.txt"
LABELS = {"situation": SITUATIONS, "urgency": URGENCIES, "audience": AUDIENCES}


def training_rows() -> list[dict[str, str]]:
    """nlu_data/ as Rasa reads it: text and the three labels of every example."""
    from rasa.shared.data import get_data_files, is_nlu_file
    from rasa.shared.nlu.training_data.loading import load_data

    from actions.nlu.triage_classifier import labels_of

    rows = []
    files = sorted(get_data_files([str(ROOT / "nlu_data")], is_nlu_file))
    examples = [m for f in files for m in load_data(f).intent_examples]
    for message in examples:
        urgency, audience = labels_of(message)
        rows.append(
            {
                "text": message.get("text"),
                "situation": situation_of_intent(message.get("intent")),
                "urgency": urgency or "low",
                "audience": audience or "unknown",
            }
        )
    return rows


def scores(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> dict[str, float]:
    return {
        "macro_f1": f1_score(truth, predicted, labels=list(labels), average="macro", zero_division=0),
        "accuracy": accuracy_score(truth, predicted),
    }


def per_label_table(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> str:
    p, r, f, s = precision_recall_fscore_support(truth, predicted, labels=list(labels), zero_division=0)
    lines = ["| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    lines += [f"| {lab} | {p[i]:.3f} | {r[i]:.3f} | {f[i]:.3f} | {s[i]} |" for i, lab in enumerate(labels)]
    return "\n".join(lines)


def confusion_table(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> str:
    matrix = confusion_matrix(truth, predicted, labels=list(labels))
    lines = ["| true \\ predicted | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
    lines += [f"| **{lab}** | " + " | ".join(str(v) for v in matrix[i]) + " |" for i, lab in enumerate(labels)]
    return "\n".join(lines)


async def predict_all(model: str, texts: Sequence[str]) -> list[dict[str, object]]:
    from actions.nlu.classify import Classifier

    classifier = Classifier(model)
    return [await classifier.classify(t) for t in texts]


def baselines(train: list[dict[str, str]], texts: Sequence[str]) -> dict[str, dict[str, list[str]]]:
    from tests.eval.baselines import KeywordBaseline, tfidf_baseline

    x = [r["text"] for r in train]
    out: dict[str, dict[str, list[str]]] = {"keywords": {}, "tfidf_logreg": {}}
    for label in LABELS:
        y = [r[label] for r in train]
        out["keywords"][label] = KeywordBaseline().fit(x, y).predict(texts)
        out["tfidf_logreg"][label] = [str(v) for v in tfidf_baseline().fit(x, y).predict(texts)]
    return out


def cross_validation(folds: int) -> dict[str, float]:
    """`rasa test nlu` k-fold cross-validation of the intent (which carries the situation)."""
    out = ROOT / "var" / "eval" / "cv"
    command = [
        str(Path(sys.executable).parent / "rasa"), "test", "nlu", "--nlu", "nlu_data",
        "--config", "config.yml", "--cross-validation", "--folds", str(folds), "--out", str(out),
    ]
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report = json.loads((out / "intent_report.json").read_text())
    return {
        "intent_macro_f1": report["macro avg"]["f1-score"],
        "intent_weighted_f1": report["weighted avg"]["f1-score"],
        "intent_accuracy": report["accuracy"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--out", default="docs/evaluation.md")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--skip-cv", action="store_true")
    args = parser.parse_args()

    heldout = yaml.safe_load(HELDOUT.read_text("utf-8"))
    texts = [h["text"] for h in heldout]
    predictions = asyncio.run(predict_all(args.model, texts))
    train = training_rows()
    base = baselines(train, texts)

    lines = [
        "# Evaluation of the triage",
        "",
        f"Generated by `make eval` on {time.strftime('%Y-%m-%d')} with model `{Path(args.model).resolve().name}`.",
        f"Held-out set: {len(heldout)} messages (`tests/data/heldout.yml`, written apart from "
        f"`nlu_data/`, never trained on). Training data: {len(train)} examples.",
        "",
        "## Summary",
        "",
        "| label | metric | Relais | TF-IDF + LR | keywords |",
        "|---|---|---|---|---|",
    ]
    summary: dict[str, dict[str, float]] = {}
    for label, values in LABELS.items():
        truth = [h[label] for h in heldout]
        ours = scores(truth, [str(p[label]) for p in predictions], values)
        tfidf = scores(truth, base["tfidf_logreg"][label], values)
        keywords = scores(truth, base["keywords"][label], values)
        summary[label] = ours
        for metric in ("macro_f1", "accuracy"):
            lines.append(
                f"| {label} | {metric} | **{ours[metric]:.3f}** | {tfidf[metric]:.3f} | {keywords[metric]:.3f} |"
            )
    crit_truth = [h["urgency"] == "critical" for h in heldout]
    crit_pred = [p["urgency"] == "critical" for p in predictions]
    tp = sum(t and p for t, p in zip(crit_truth, crit_pred, strict=False))
    crit_recall = tp / max(sum(crit_truth), 1)
    crit_precision = tp / max(sum(crit_pred), 1)
    lines += [
        f"| critical | recall | **{crit_recall:.3f}** | | |",
        f"| critical | precision | **{crit_precision:.3f}** | | |",
        "",
    ]
    for label, values in LABELS.items():
        truth = [h[label] for h in heldout]
        predicted = [str(p[label]) for p in predictions]
        lines += [f"## {label}", "", per_label_table(truth, predicted, values), "", "Confusion matrix:", "",
                  confusion_table(truth, predicted, values), ""]

    missed = [h["text"] for h, p in zip(heldout, predictions, strict=False) if h["urgency"] == "critical" and p["urgency"] != "critical"]
    lines += ["## Critical messages missed", ""] + ([f"- {t}" for t in missed] or ["None."]) + [""]

    if NEUTRAL.exists():
        neutral = [line for line in NEUTRAL.read_text("utf-8").splitlines() if line.strip()]
        neutral_pred = asyncio.run(predict_all(args.model, neutral))
        critical = sum(p["urgency"] == "critical" for p in neutral_pred)
        incident = sum(p["situation"] != "none" for p in neutral_pred)
        lines += [
            "## False alarms on real teen chat (outside corpus, evaluation only)",
            "",
            f"{len(neutral)} non-aggressive messages of CyberAgressionAdo-Large (see `../shared/data/README.md`):",
            f"**{critical / len(neutral):.2%}** read as `critical` ({critical}), "
            f"{incident / len(neutral):.1%} read as an incident ({incident}).",
            "",
        ]
    if not args.skip_cv:
        cv = cross_validation(args.folds)
        lines += [
            f"## {args.folds}-fold cross-validation (`rasa test nlu --cross-validation`)",
            "",
            "On `nlu_data/` only; the intent carries the situation.",
            "",
            "| metric | value |", "|---|---|",
        ] + [f"| {k} | {v:.3f} |" for k, v in cv.items()] + [""]

    lines += [
        "## How to read these figures",
        "",
        "* The held-out messages were written by a separate author who never saw `nlu_data/`; "
        "messages that fold to a training example were removed from the set (`tests/nlu_data`).",
        "* Hyper-parameters were chosen by cross-validation on `nlu_data/` only. The crisis lexicon "
        "was tuned on its own development cases (`tests/data/crisis_cases.yml`) and on the training "
        "data; once, two critical held-out messages that it missed were read and the two pattern "
        "families behind them (\"je me coupe à cause de…\", a meeting demanded tonight under threat) "
        "were added with new development cases. Critical recall on this set is therefore not a "
        "fully blind figure; the outside false-alarm rate above is.",
        "* Both baselines see the raw text and the same training examples; they have no crisis "
        "lexicon and no safety rules.",
        "",
    ]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    for label, ours in summary.items():
        print(f"{label:10s} macro-F1 {ours['macro_f1']:.3f}  accuracy {ours['accuracy']:.3f}")
    print(f"critical   recall {crit_recall:.3f}  precision {crit_precision:.3f}")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
