"""The ``causal-course`` command (also ``python -m causal_course``).

Subcommands: ``lab``, ``check``, ``exercises [--check]``,
``grade PATH... [--timeout S] [--workers N] [--memory MB]
[--extra-checks FILE] [--csv FILE] [--feedback DIR] [--json]`` and ``experiment NAME`` (the studies of
lessons 02 to 08, :mod:`causal_course.studies`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time


class ExperimentCommand:
    """One ``causal-course experiment NAME``: the study function that runs it and the options it takes.

    ``function`` is ``"module.function"`` inside :mod:`causal_course.studies`.
    ``options`` lists the optional flags the experiment understands (``env``, ``seeds``); a flag it
    does not understand is refused with a message, never silently ignored. ``per_seed`` marks an
    experiment that runs one seed per call, so ``--seeds N`` runs it N times and summarises.
    """

    def __init__(self, function: str, options=(), per_seed: bool = False, seeds_parameter: str | None = None,
                 formatter: str | None = None):
        self.function, self.options, self.per_seed, self.seeds_parameter = function, tuple(options), per_seed, seeds_parameter
        self.formatter = formatter  # "module.function" turning the result into text tables (default: format_experiment)

    def format(self, result) -> str:
        """The result as text: the study's own tables if it has a formatter, else :func:`format_experiment`."""
        if self.formatter is None:
            return format_experiment(result)
        import importlib

        module_name, _, function_name = self.formatter.rpartition(".")
        return getattr(importlib.import_module(f"causal_course.studies.{module_name}"), function_name)(result)

    def run(self, seed: int, fast: bool, n_seeds: int | None = None, env: str | None = None,
            shares: list | None = None) -> dict:
        import importlib

        module_name, _, function_name = self.function.rpartition(".")
        function = getattr(importlib.import_module(f"causal_course.studies.{module_name}"), function_name)
        kwargs = {"seed": seed, "fast": fast}
        if env is not None:
            kwargs["env"] = env
        if shares is not None:
            kwargs["shares"] = shares
        if n_seeds is not None and self.seeds_parameter:
            kwargs[self.seeds_parameter] = n_seeds
        if n_seeds is None or not self.per_seed:
            return function(**kwargs)
        from causal_course.statistics import summarise_seeds

        runs = [function(**{**kwargs, "seed": seed + k}) for k in range(n_seeds)]
        return summarise_seeds(runs)


# name -> ExperimentCommand; one per lesson experiment (lessons 02 to 08)
EXPERIMENTS = {
    "structure": ExperimentCommand("structure.structure", ("seeds",), seeds_parameter="n_seeds",
                                   formatter="structure.format_tables"),
    "passive": ExperimentCommand("passive.passive", ("env", "seeds"), per_seed=True),
    "cues": ExperimentCommand("cues.cues", ("env", "seeds"), per_seed=True),
    "mixtures": ExperimentCommand("mixtures.mixtures", ("env", "seeds", "shares"), seeds_parameter="n_seeds"),
    "explanations": ExperimentCommand("explanations.explanations", ("seeds",), seeds_parameter="n_seeds"),
    "explanations-task": ExperimentCommand("explanations_task.explanations_task", ("seeds",), seeds_parameter="n_seeds"),
    "confounded-experiments": ExperimentCommand("confounded_experiments.confounded_experiments", ("seeds",),
                                                seeds_parameter="n_seeds"),
    "confounding": ExperimentCommand("confounded_generalisation.confounding", ("seeds",), seeds_parameter="n_seeds"),
    "dagger": ExperimentCommand("imitation.dagger", ("seeds",), seeds_parameter="n_seeds"),
    "return-conditioning": ExperimentCommand("imitation.return_conditioning", ("seeds",), seeds_parameter="n_seeds"),
    "language-model": ExperimentCommand("language_model.language_model", ("seeds",), seeds_parameter="n_seeds",
                                        formatter="language_model.format_tables"),
}


def _command_lab(args, extra: list[str]) -> int:
    from causal_course.paths import DATA_DIR, course_root

    root = course_root()
    command = [
        sys.executable, "-m", "jupyterlab",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.default_url=/lab/tree/notebooks/00_start_here.ipynb",
        # no "Would you like to receive official Jupyter news?" prompt in front of a class, and no calls out
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # JupyterLab refuses to run as root without it
    command += extra
    # The course's default settings (labconfig/default_setting_overrides.json): JupyterLab itself reads them, so
    # the "official Jupyter news?" toast never shows; a student's own settings still win.
    os.environ["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        [str(DATA_DIR / "jupyter_config"), *filter(None, [os.environ.get("JUPYTER_CONFIG_PATH")])])
    print("Starting JupyterLab on", root, flush=True)
    return _run_jupyterlab(command)


def _run_jupyterlab(command: list[str]) -> int:
    """Run JupyterLab. On POSIX it *replaces* this process, so a supervisor's SIGTERM (or Ctrl+C) reaches the
    server itself and no orphaned server is left serving the port; elsewhere it runs as a child."""
    if os.name == "posix":
        os.execv(command[0], command)
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 0


def _command_check(args, extra) -> int:
    from causal_course.authoring.selfcheck import format_report, run_self_check, verdict

    items = run_self_check()
    if args.json:
        print(json.dumps({"items": [item.__dict__ for item in items], "verdict": verdict(items)}))
    else:
        print(format_report(items))
    return 0 if verdict(items) == "READY" else 1


def _command_exercises(args, extra) -> int:
    from causal_course.authoring.exercises import AuthoringError, sync_exercises
    from causal_course.authoring.tables import sync_tables
    from causal_course.paths import course_root

    try:
        problems = sync_exercises(course_root(), check_only=args.check)
        problems += sync_tables(course_root(), check_only=args.check)
    except (AuthoringError, FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("exercises/ and the lesson tables are in sync with solutions/ and the lesson registry." if args.check
              else "exercises/ regenerated from solutions/, the lesson tables from the lesson registry.")
    return 1 if problems else 0


def _command_grade(args, extra) -> int:
    from causal_course.grading.worker_client import platform_problem

    problem = platform_problem()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    from causal_course.grading import (
        GradingOptions,
        grade_submissions,
        load_extra_checks,
        submission_paths,
        write_feedback,
        write_gradebook,
    )

    for flag, value in (("--timeout", args.timeout), ("--submission-timeout", args.submission_timeout)):
        if not value > 0:
            print(f"error: {flag} must be a positive number of seconds, for instance {flag} 60.", file=sys.stderr)
            return 2
    if args.memory < 256:
        print("error: --memory is in MB and must be at least 256, for instance --memory 2048.", file=sys.stderr)
        return 2
    try:
        extra_exercises = load_extra_checks(args.extra_checks) if args.extra_checks else ()
        options = GradingOptions(timeout=args.timeout, submission_timeout=args.submission_timeout,
                                 memory_mb=args.memory, extra_exercises=extra_exercises,
                                 lesson=_lesson_slug(args.lesson) if args.lesson else None,
                                 sealed=not args.no_sandbox)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    problem = _output_problem(args.csv, args.feedback)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if options.sealed:
        from causal_course.grading.sandbox import probe

        reason = probe()
        if reason:
            print(f"error: {reason}", file=sys.stderr)
            return 2
    else:
        print("warning: --no-sandbox: submissions run unsealed, with your rights: they can read and change "
              "every file you can (solutions, other submissions, the gradebook) and reach the network.",
              file=sys.stderr)
    if args.workers is not None and args.workers < 1:
        print("error: --workers must be at least 1, for instance --workers 2.", file=sys.stderr)
        return 2
    if not submission_paths(args.paths):
        print("error: no notebooks found in the paths given.", file=sys.stderr)
        return 2

    def progress(report):
        if not args.json:
            print(f"{report['path']}: {report['score']:g}/{report['max_score']:g}")
            for exercise in report["exercises"]:
                print(f"    {exercise['points']:g}/{exercise['max_points']:g}  {exercise['message']}")
            for error in report["errors"]:
                print(f"    error: {error}")
        else:
            print(json.dumps(report), flush=True)

    start = time.perf_counter()
    reports = grade_submissions(args.paths, progress=progress, workers=args.workers, options=options)
    if args.csv:
        write_gradebook(reports, args.csv)
    if args.feedback:
        write_feedback(reports, args.feedback)
    if not args.json:
        print(f"graded {len(reports)} submission(s) in {time.perf_counter() - start:.1f} s")
        if args.csv:
            print(f"gradebook written to {args.csv}")
        if args.feedback:
            print(f"feedback files written to {args.feedback}/")
    return 0


def _output_problem(csv_path, feedback_dir) -> str | None:
    """Why ``--csv``/``--feedback`` cannot be written, checked before any grading (None: fine)."""
    from pathlib import Path

    if csv_path:
        path = Path(csv_path)
        if path.is_dir():
            return f"--csv {csv_path} is a folder; give a file name, for instance --csv {Path(csv_path) / 'gradebook.csv'}."
        if not path.parent.is_dir():
            return (f"--csv {csv_path}: the folder {path.parent} does not exist; create it first "
                    f"(mkdir -p {path.parent}).")
        if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            return f"--csv {csv_path}: cannot write there (no permission); choose another place."
    if feedback_dir:
        path = Path(feedback_dir)
        if path.exists() and not path.is_dir():
            return (f"--feedback {feedback_dir} is a file; it needs a folder (it is created if missing), "
                    "for instance --feedback feedback/.")
        existing = path if path.exists() else next((p for p in path.parents if p.exists()), Path("."))
        if not os.access(existing, os.W_OK):
            return f"--feedback {feedback_dir}: cannot write there (no permission); choose another place."
    return None


def _lesson_slug(name: str) -> str:
    """'01', '1' or '01_seeing_vs_doing' -> the lesson's slug; unknown names pass through (and fail clearly)."""
    from causal_course.lessons import lesson

    try:
        return lesson(name).slug
    except ValueError:
        return name


def _command_experiment(args, extra) -> int:
    if args.name not in EXPERIMENTS:
        available = ", ".join(sorted(EXPERIMENTS)) or "none yet (they arrive with lessons 02 to 08)"
        print(f"error: unknown experiment {args.name!r}; available: {available}.", file=sys.stderr)
        return 2
    if args.seed < 0:
        print("error: --seed must be a non-negative integer.", file=sys.stderr)
        return 2
    experiment = EXPERIMENTS[args.name]
    for option, given in (("env", args.env is not None), ("seeds", args.seeds is not None),
                          ("shares", args.shares is not None)):
        if given and option not in experiment.options:
            takes = ", ".join(f"--{o}" for o in experiment.options) or "neither"
            print(f"error: experiment {args.name} does not take --{option} (it takes {takes}).", file=sys.stderr)
            return 2
    if args.seeds is not None and args.seeds < 1:
        print(f"error: --seeds must be a positive number of seeds, got {args.seeds}; for example --seeds 5.",
              file=sys.stderr)
        return 2
    if args.env is not None:
        from causal_course.worlds.dag_episodes import ENVIRONMENTS

        if args.env not in ENVIRONMENTS:
            print(f"error: unknown --env {args.env!r}; choose one of {', '.join(ENVIRONMENTS)}.", file=sys.stderr)
            return 2
    shares = None
    if args.shares is not None:
        try:
            shares = [float(part) for part in args.shares.split(",") if part.strip()]
        except ValueError:
            shares = []
        if not shares or any(not 0.0 <= s <= 1.0 for s in shares):
            print(f"error: --shares takes fractions between 0 and 1 separated by commas, e.g. --shares 0,0.25,1; "
                  f"got {args.shares!r}.", file=sys.stderr)
            return 2
    result = experiment.run(seed=args.seed, fast=args.fast, n_seeds=args.seeds, env=args.env, shares=shares)
    from causal_course.studies.records import json_default

    if args.json:
        print(json.dumps(result, default=json_default))
    else:
        print(experiment.format(result))
    return 0


PER_RUN_KEYS = ("runs",)  # every run's raw measurements: in --json only, the text shows the summary


def format_experiment(result: dict) -> str:
    """Readable text for an experiment's result: scalars first, then one indented table per group."""
    result = dict(result)  # a typed study result reads as its JSON object
    lines = [f"experiment {result.get('experiment', '')}"]

    def value_text(value) -> str:
        if isinstance(value, float):
            return f"{value:.3f}" if value == 0 or abs(value) >= 0.01 else f"{value:.2g}"  # a gust of 0.0005
        if isinstance(value, list) and value and all(isinstance(v, dict) and "mean" in v for v in value):
            from causal_course.statistics import format_interval  # a curve of interval records, one per point

            return "  ".join(format_interval(v, 3) for v in value)
        if isinstance(value, list) and all(isinstance(v, (int, float)) for v in value):
            return " ".join(f"{v:6.2f}" if isinstance(v, float) else f"{v:6d}" for v in value)
        return str(value)

    def table(mapping: dict, indent: int) -> None:
        for name, value in mapping.items():
            if isinstance(value, dict) and {"mean", "low", "high"} <= set(value):
                interval = "" if value["low"] is None else f" [{value['low']:.3f}, {value['high']:.3f}]"
                per_seed = " ".join(f"{v:.3f}" for v in value.get("values", []))
                lines.append(" " * indent + f"{name:<22} {value['mean']:.3f}{interval}   seeds: {per_seed}")
            elif isinstance(value, dict):
                lines.append(" " * indent + f"{name}:")
                table(value, indent + 2)
            else:
                lines.append(" " * indent + f"{name:<22} {value_text(value)}")

    if "summary" in result and "per_seed" in result:  # --seeds N: the summary, with each seed's value
        lines.append(f"  seeds                  {result['seeds']}   (mean [95 % interval])")
        result = result["summary"]
    table({k: v for k, v in result.items() if k != "experiment" and not isinstance(v, dict)}, 2)
    table({k: v for k, v in result.items() if isinstance(v, dict) and k not in PER_RUN_KEYS}, 2)
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``causal-course``."""
    parser = argparse.ArgumentParser(prog="causal-course", description="The causal_course command line.")
    sub = parser.add_subparsers(dest="command", required=True)
    lab = sub.add_parser("lab", help="start JupyterLab on the course (extra arguments go to JupyterLab)")
    lab.set_defaults(handler=_command_lab)
    check = sub.add_parser("check", help="the setup self-check")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.set_defaults(handler=_command_check)
    exercises = sub.add_parser("exercises", help="regenerate exercises/ from solutions/ and the lesson tables from the lesson registry")
    exercises.add_argument("--check", action="store_true", help="only report (exit 1) if they are out of sync")
    exercises.set_defaults(handler=_command_exercises)
    grade = sub.add_parser("grade", help="grade submitted exercise notebooks (see docs/instructor.md)")
    grade.add_argument("paths", nargs="+", help="notebooks, or folders of notebooks")
    grade.add_argument("--timeout", type=float, default=60.0,
                       help="seconds allowed per cell and per exercise's check (default 60)")
    grade.add_argument("--submission-timeout", type=float, default=600.0,
                       help="seconds allowed for one whole submission (default 600)")
    grade.add_argument("--memory", type=int, default=2048, metavar="MB",
                       help="memory limit of each submission's process in MB (default 2048)")
    grade.add_argument("--workers", type=int, default=None,
                       help="submissions graded at once (default: the number of CPUs)")
    grade.add_argument("--lesson", help="grade every submission as this lesson (for instance 01); default: "
                       "from each notebook's metadata or file name")
    grade.add_argument("--extra-checks", metavar="FILE", help="a Python file of hidden checks (EXERCISES)")
    grade.add_argument("--csv", metavar="FILE", help="write a CSV gradebook")
    grade.add_argument("--feedback", metavar="DIR", help="write one Markdown feedback file per submission")
    grade.add_argument("--json", action="store_true", help="print one JSON object per submission")
    grade.add_argument("--no-sandbox", action="store_true",
                       help="run submissions without the bubblewrap sandbox: only for work you trust "
                            "(they can then read and change your files; see docs/instructor.md)")
    grade.set_defaults(handler=_command_grade)
    experiment = sub.add_parser("experiment", help="run one of the course's experiments and print its figures")
    experiment.add_argument("name")
    experiment.add_argument("--seed", type=int, default=0, help="the first seed")
    experiment.add_argument("--seeds", type=int, default=None,
                            help="run seeds SEED .. SEED+N-1 and report per-seed values, means and 95%% intervals")
    experiment.add_argument("--env", default=None,
                            help="environment variant where one applies: standard, unequal-noise, confounded")
    experiment.add_argument("--shares", default=None,
                            help="mixtures: interventional shares to sweep, fractions separated by commas (0,0.25,1)")
    experiment.add_argument("--fast", action="store_true")
    experiment.add_argument("--json", action="store_true")
    experiment.set_defaults(handler=_command_experiment)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "lab":
        parser.error(f"unrecognised arguments: {' '.join(extra)}")
    return args.handler(args, extra)


if __name__ == "__main__":
    sys.exit(main())
