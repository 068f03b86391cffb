"""Lesson 08's study: tiny language models trained on written notes, each condition over seeds, paired.

Usage (from the course folder):

    .venv/bin/python benchmarks/language_model.py --lane &            # two lanes share the runs:
    .venv/bin/python benchmarks/language_model.py --lane &            # each claims the next one not taken
    .venv/bin/python benchmarks/language_model.py --merge --save      # summary -> causal_course/data

    .venv/bin/python benchmarks/language_model.py --lesson-model --save   # the lesson's cached models:
    .venv/bin/python benchmarks/language_model.py --lesson-model --condition mixed --save
    .venv/bin/python benchmarks/language_model.py --fast                  # a smoke run of every piece (seconds)

A **run** (``causal_course.studies.language_model.run``) trains one GPT from scratch on one
condition's corpus and seed for ``--steps`` steps of 32 documents on one thread (equal compute in
every condition), then measures it on the seed's test episodes. Runs are written to ``--run-dir``
one JSON file each, so lanes can be stopped and started again; ``--merge`` summarises those
present (seeds present in every condition compared) with 95 % intervals and paired differences.
``--lesson-model`` trains a model the lesson loads (seed 0, ``--lesson-steps``, on experimenters'
notes, or with ``--condition mixed`` half and half) and with ``--save`` saves its weights beside
the results (``--save-weights`` copies already trained ones). Prints JSON: figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from common import write_results  # noqa: E402

from causal_course.paths import DATA_DIR  # noqa: E402
from causal_course.studies.language_model import (  # noqa: E402
    CONDITIONS,
    DESIGN,
    FAST,
    measure_run,
    run,
    summarise_runs,
    train_run,
)

LESSON_STEPS = 6578  # feasibility run 6: about 10 minutes of one core


def lesson_model_name(condition: str) -> str:
    return f"language_model_{condition}_seed0"


def _runs_wanted(seeds: int, conditions) -> list:
    return [(condition, seed) for seed in range(seeds) for condition in conditions]


def lane(args) -> None:
    folder = Path(args.run_dir)
    folder.mkdir(parents=True, exist_ok=True)
    design = {"steps": args.steps}
    for condition, seed in _runs_wanted(args.seeds, args.conditions):
        name = f"{condition}_seed{seed}"
        try:
            os.close(os.open(folder / f"{name}.claim", os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            continue
        begin = time.perf_counter()
        result = run(condition, seed, design, n_threads=1)
        result["run_seconds"] = round(time.perf_counter() - begin, 1)
        (folder / f"{name}.json").write_text(json.dumps(result) + "\n")
        print(json.dumps({"run": name, "seconds": result["run_seconds"]}), flush=True)


def merge(args) -> dict:
    runs = {}
    for path in sorted(Path(args.run_dir).glob("*_seed*.json")):
        data = json.loads(path.read_text())
        if data["condition"] in args.conditions and data["steps"] == args.steps:
            runs.setdefault(data["condition"], {})[data["seed"]] = data
    result = {"experiment": "language-model", "design": {**DESIGN, "steps": args.steps},
              "seeds": {c: sorted(r) for c, r in runs.items()}, "summary": summarise_runs(runs),
              "runs": {c: [r[s] for s in sorted(r)] for c, r in runs.items()}}
    # the lesson's models (and variants trained for comparison, e.g. experimenter_100k: the study's corpus size)
    result["lesson_model"] = {path.stem[len("language_model_"):-len("_seed0")]: json.loads(path.read_text())
                              for path in sorted(Path(args.run_dir).glob("language_model_*_seed0.json"))}
    return result


def lesson_model(args) -> dict:
    folder = Path(args.run_dir)
    folder.mkdir(parents=True, exist_ok=True)
    design = {"steps": args.lesson_steps, **({"documents": args.documents} if args.documents else {})}
    name = lesson_model_name(args.condition)
    checkpoint = folder / f"{name}.ckpt"  # resumable while training
    from causal_course.learners.evaluation import make_test_sets
    from causal_course.learners.language_agent import evaluate_language_agent
    from causal_course.seeds import stream

    curve_set = make_test_sets(300, stream(0, "exploration"))["heldout"]  # not the test episodes

    def curve(model, step, loss):
        scores = evaluate_language_agent(model, tokenizer, curve_set, stream(0, "lm_actions"), recap=True)
        return {"step": step, "loss": round(loss, 4), "heldout_greedy": round(scores["reward"], 4)}

    from causal_course.learners.tokenizer import Tokenizer

    tokenizer = Tokenizer.for_reports(decimals=DESIGN["decimals"])
    model, tokenizer, info = train_run(args.condition, 0, design, n_threads=args.threads, progress=args.progress,
                                       checkpoint=checkpoint, callback=curve, callback_every=500,
                                       checkpoint_every=500)
    result = {**info, **measure_run(model, tokenizer, args.condition, 0, design)}
    (folder / f"{name}.json").write_text(json.dumps(result) + "\n")
    if args.save:
        save_weights(checkpoint, DATA_DIR / f"{name}.pt")
    return result


def save_weights(checkpoint, path) -> None:
    """The lesson's copy of a trained checkpoint: config, weights and metadata (no optimiser, no data order)."""
    from causal_course.learners.language_model import load_checkpoint, save_checkpoint

    model, state = load_checkpoint(checkpoint)
    done, planned = state["history"]["steps"][-1], state["metadata"]["design"]["steps"]
    if done < planned:
        print(f"not saved: {checkpoint} has {done} of its {planned} steps (resume it with --lesson-model)")
        return
    save_checkpoint(path, model, None, None, None, state["metadata"])
    print(f"saved {path}")


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lane", action="store_true", help="train and measure runs not yet claimed in --run-dir")
    parser.add_argument("--merge", action="store_true", help="summarise the runs in --run-dir")
    parser.add_argument("--lesson-model", action="store_true", help="train the lesson's cached model")
    parser.add_argument("--fast", action="store_true", help="a smoke run: tiny corpus, 10 steps, small tests")
    parser.add_argument("--save", action="store_true", help="write the results (and weights) into causal_course/data")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--conditions", nargs="+", default=list(CONDITIONS), choices=list(CONDITIONS))
    parser.add_argument("--steps", type=int, default=DESIGN["steps"])
    parser.add_argument("--lesson-steps", type=int, default=LESSON_STEPS)
    parser.add_argument("--documents", type=int, default=0, help="corpus size of the lesson's model (0: the study's)")
    parser.add_argument("--condition", default="experimenter", choices=["experimenter", "mixed"],
                        help="the corpus of the lesson's model (--lesson-model): experimenters' notes, or half and half")
    parser.add_argument("--save-weights", action="store_true",
                        help="copy the lesson models trained in --run-dir into causal_course/data (no retraining)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--progress", action="store_true")
    parser.add_argument("--run-dir", default="build/lm_runs")
    parser.add_argument("--out", default=None, help="also write the JSON here")
    args = parser.parse_args()
    if args.fast:
        begin = time.perf_counter()
        result = {"fast": {c: run(c, 0, FAST) for c in args.conditions}}
        result["sweep_seconds"] = round(time.perf_counter() - begin, 1)
        print(json.dumps(result)[:2000])
        return result
    if args.lane:
        lane(args)
        return {}
    if args.save_weights:
        for condition in ("experimenter", "mixed"):
            checkpoint = Path(args.run_dir) / f"{lesson_model_name(condition)}.ckpt"
            if checkpoint.exists():
                save_weights(checkpoint, DATA_DIR / f"{lesson_model_name(condition)}.pt")
        return {}
    if args.lesson_model:
        result = lesson_model(args)
        print(json.dumps(result, indent=1))
        return result
    result = merge(args)
    write_results(result, "language_model_results", args.out, args.save)
    return result


if __name__ == "__main__":
    main()
