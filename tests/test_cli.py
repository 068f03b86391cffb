"""The causal-course command: subcommands, exit codes and JSON."""

import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from causal_course.cli import build_parser, main


def _sandbox_problem():
    from causal_course.grading.sandbox import probe

    return probe()


SEALED = pytest.mark.skipif(_sandbox_problem() is not None and not os.environ.get("CI"),
                            reason="no grading sandbox (bubblewrap) here")

def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "causal_course", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def test_check_prints_a_verdict():
    result = run("check")
    assert "Verdict: READY" in result.stdout, result.stdout + result.stderr
    assert result.returncode == 0
    data = json.loads(run("check", "--json").stdout)
    assert data["verdict"] == "READY" and any(item["name"] == "torch" for item in data["items"])


def test_exercises_check_passes_in_the_repository(root, capsys):
    assert main(["exercises", "--check"]) == 0
    assert "in sync" in capsys.readouterr().out


def test_exercises_check_fails_on_drift(root, tmp_path, monkeypatch, capsys):
    for folder in ("notebooks", "solutions", "exercises"):
        (tmp_path / folder).mkdir()
    name = "01_seeing_vs_doing.ipynb"
    (tmp_path / "solutions" / name).write_text((root / "solutions" / name).read_text())
    (tmp_path / "exercises" / name).write_text((root / "solutions" / name).read_text())  # solutions leaked
    monkeypatch.setenv("CAUSAL_COURSE_ROOT", str(tmp_path))
    assert main(["exercises", "--check"]) == 1
    assert "out of sync" in capsys.readouterr().err
    assert main(["exercises"]) == 0
    assert main(["exercises", "--check"]) == 0
    assert "BEGIN SOLUTION" not in (tmp_path / "exercises" / name).read_text()


@SEALED
@pytest.mark.xdist_group("grading")
def test_grade_json_and_csv(root, tmp_path):
    gradebook = tmp_path / "book.csv"
    result = run("grade", str(root / "exercises" / "01_seeing_vs_doing.ipynb"), "--json", "--csv", str(gradebook))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 1 and lines[0]["score"] == 0 and lines[0]["max_score"] > 0
    assert gradebook.read_text().startswith("path,student,score,max_score")


def test_grade_rejects_bad_arguments(capsys):
    assert main(["grade", "nothing-here/", "--timeout", "0"]) == 2
    assert "--timeout" in capsys.readouterr().err


def test_unknown_experiment_is_a_clear_error(capsys):
    assert main(["experiment", "nonsense"]) == 2
    assert "unknown experiment 'nonsense'" in capsys.readouterr().err


def test_parser_lists_every_contract_subcommand():
    text = build_parser().format_help()
    for command in ("lab", "check", "exercises", "grade", "experiment"):
        assert command in text


def test_lab_command_line(monkeypatch, root):
    captured = {}

    def fake_run(command):
        captured["command"] = command
        return 0

    monkeypatch.setattr("causal_course.cli._run_jupyterlab", fake_run)
    assert main(["lab", "--no-browser", "--port", "9999"]) == 0
    command = captured["command"]
    assert command[1:3] == ["-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={root}" in command
    assert command[-3:] == ["--no-browser", "--port", "9999"]


def test_lab_starts_without_news_prompt_or_update_check(tmp_path):
    """`causal-course lab` really serves the course, with JupyterLab's news and update check turned off."""
    import urllib.request

    from lab_server import running_jupyterlab

    command = [sys.executable, "-m", "causal_course", "lab", "--no-browser"]
    with running_jupyterlab(command, tmp_path / "lab.log") as (url, token):
        with urllib.request.urlopen(f"{url}/lab?token={token}", timeout=10) as answer:
            page = answer.read().decode()
        config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                      page, re.S).group(1))
        assert config["news"] == {"disabled": True}
        with urllib.request.urlopen(f"{url}/lab/api/update?token={token}", timeout=10) as answer:
            assert json.load(answer)["notification"] is None
        with urllib.request.urlopen(f"{url}/api/contents/notebooks?token={token}", timeout=10) as answer:
            names = {item["name"] for item in json.load(answer)["content"]}
        assert "00_start_here.ipynb" in names
    # the context manager sent SIGTERM to the process it started and waited: no orphaned server may still answer
    import time

    time.sleep(1.0)
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=3)


def test_experiment_passive_json_contract():
    result = run("experiment", "passive", "--fast", "--json", "--seed", "1")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["seed"] == 1 and isinstance(data["train_seconds"], float) and data["episodes_seen"] > 0
    for group in ("heldout", "in_distribution", "critical"):
        scores = data[group]
        assert {"model", "optimal", "causal_inference", "correlational", "random"} <= set(scores)
        assert scores["optimal"] == 1.0 and scores["causal_inference"] > 0.95
        assert abs(scores["random"]) < 0.25
        assert all(isinstance(v, float) for v in scores.values())


def test_experiment_mixtures_json_contract():
    result = run("experiment", "mixtures", "--fast", "--json", "--shares", "0,0.5,1", "--seeds", "2")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["shares"] == [0.0, 0.5, 1.0] and data["seeds"] == [0, 1]
    assert set(data["heldout"]) == {"episodes", "steps", "tagged", "random", "asked_experimenter"}
    for condition, cells in data["heldout"].items():
        assert len(cells) == 3
        for cell in cells:
            if cell is not None:
                assert cell["low"] <= cell["mean"] <= cell["high"] and len(cell["values"]) == 2
    assert data["heldout"]["asked_experimenter"][1] is not None
    # worked by hand from the per-seed values: with 2 seeds the 95 % half-width is t(0.975, 1) * sd / sqrt(2)
    cell = data["heldout"]["episodes"][1]
    a, b = cell["values"]
    assert cell["mean"] == pytest.approx((a + b) / 2, abs=1e-4)
    assert cell["high"] - cell["mean"] == pytest.approx(12.706 * abs(a - b) / 2, abs=2e-4)
    # an all-observer mixture (share 0) is the same data whoever the absent experimenter would have been
    assert data["heldout"]["random"][0]["values"] == data["heldout"]["episodes"][0]["values"]


def test_experiment_passive_seeds_env_json():
    """--seeds N: per-seed values, means and 95 % intervals; every baseline under its name; --env picks the variant."""
    result = run("experiment", "passive", "--fast", "--json", "--seeds", "2", "--env", "confounded")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["seeds"] == [0, 1] and len(data["per_seed"]) == 2
    assert all(run["env"] == "confounded" for run in data["per_seed"]) and data["summary"]["env"] == "confounded"
    for name in ("optimal", "causal_inference", "correlational", "regression_5_samples", "regression_unlimited",
                 "memorising", "random", "model"):
        cell = data["summary"]["heldout"][name]
        assert cell["low"] <= cell["mean"] <= cell["high"] and len(cell["values"]) == 2
    # unlimited observation cannot find the best intervention in the confounded variant
    assert data["summary"]["heldout"]["regression_unlimited"]["mean"] < 0.9
    text = run("experiment", "passive", "--fast", "--seeds", "2")
    assert text.returncode == 0 and "[" in text.stdout and "seeds: " in text.stdout


def test_experiment_cues_json():
    result = run("experiment", "cues", "--fast", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"heldout_combinations", "interventions_on_uncued_share", "steps_used"} <= set(data)
    # a cue marks 2 or 3 variables and the cued expert tries each once; the uncued expert uses all 5 steps
    assert 2.0 <= data["steps_used"]["cued_expert"] <= 3.0 and data["steps_used"]["uncued_expert"] == 5.0
    assert all(0.0 <= share <= 1.0 for share in data["interventions_on_uncued_share"].values())


@pytest.mark.parametrize("args,message", [
    (["passive", "--env", "hidden"], "unknown --env 'hidden'"),
    (["passive", "--seeds", "0"], "--seeds must be a positive number"),
    (["passive", "--shares", "0,1"], "does not take --shares"),
    (["structure", "--env", "confounded"], "does not take --env"),
    (["mixtures", "--shares", "0,75"], "--shares takes fractions between 0 and 1"),
    (["mixtures", "--shares", "half"], "--shares takes fractions"),
])
def test_experiment_option_errors(capsys, args, message):
    assert main(["experiment", *args]) == 2
    assert message in capsys.readouterr().err


def test_experiment_confounding_json_contract():
    result = run("experiment", "confounding", "--fast", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    for row in data["conditions"]:
        assert {"explanation", "confounded_share", "colour", "shape", "texture", "none"} <= set(row)
        # every deconfounded choice is the odd one in exactly one feature, or in none: the shares add up to 1
        total = sum(row[key]["mean"] for key in ("colour", "shape", "texture", "none"))
        assert total == pytest.approx(1.0, abs=2e-4)
        assert len(row["colour"]["values"]) == len(data["seeds"])
    assert {"explanation", "confounded_share", "versus_none"} <= set(data["pull"][0])
    assert {"mean", "low", "high", "excludes_zero", "values"} <= set(data["pull"][0]["versus_none"])


def test_experiment_explanations_json_contract():
    result = run("experiment", "explanations", "--fast", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data["curves"]) == set(data["conditions"]) and "none" in data["conditions"]
    assert set(data["versus_none"]) == set(data["conditions"]) - {"none"}
    for condition, groups in data["versus_none"].items():  # per-seed values, and the paired difference made of them
        final = [record["values"] for record in (data["curves"][condition]["critical"][-1],
                                                 data["curves"]["none"]["critical"][-1])]
        assert groups["critical"]["values"] == pytest.approx(np.subtract(*final).tolist(), abs=2e-4)
        assert {"mean", "low", "high", "excludes_zero"} <= set(groups["heldout"])
    assert all(-1.0 <= v <= 1.0 for curve in data["curves"].values() for r in curve["heldout"] for v in r["values"])


@SEALED
@pytest.mark.xdist_group("grading")
def test_grade_options_feedback_and_lesson(root, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "alice.ipynb").write_text((root / "solutions" / "01_seeing_vs_doing.ipynb").read_text())
    (folder / "bob.ipynb").write_text("{ broken")
    result = run("grade", str(folder), "--lesson", "01", "--workers", "2", "--memory", "1024", "--timeout", "30",
                 "--feedback", str(tmp_path / "feedback"), "--csv", str(tmp_path / "book.csv"))
    assert result.returncode == 0, result.stderr
    assert "graded 2 submission(s)" in result.stdout
    bob = (tmp_path / "feedback" / "bob.md").read_text()
    assert "Score: 0 / 10" in bob and "the JSON is broken" in bob
    assert "Score: 10 / 10" in (tmp_path / "feedback" / "alice.md").read_text()


@pytest.mark.parametrize("args,message", [
    (["--workers", "0"], "--workers"), (["--memory", "10"], "--memory"), (["--lesson", "42"], "unknown lesson"),
    (["--submission-timeout", "-1"], "--submission-timeout"), (["--extra-checks", "missing.py"], "no such file"),
])
def test_grade_option_errors(tmp_path, capsys, args, message):
    notebook = tmp_path / "a.ipynb"
    notebook.write_text("{}")
    assert main(["grade", str(notebook), *args]) == 2
    assert message in capsys.readouterr().err


def test_experiment_structure_json_and_text():
    result = run("experiment", "structure", "--fast", "--json", "--seed", "2")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["experiment"] == "structure" and data["seeds"] == [2, 3, 4]  # --fast: 3 seeds
    assert set(data["entropy"]) == {"observe", "random", "greedy"}
    assert all(len(v) == len(data["samples"]) for v in data["entropy"].values())
    # before any sample the posterior is uniform over the 25 DAGs on 3 variables: log2(25) = 4.644 bits
    assert all(v[0]["mean"] == pytest.approx(4.6439, abs=1e-3) for v in data["entropy"].values())
    assert set(data["differences"]) == {"greedy - random", "random - observe"}
    assert {"low", "high", "excludes_zero", "values"} <= set(data["differences"]["greedy - random"]["true_dag"])
    text = run("experiment", "structure", "--fast")
    assert text.returncode == 0 and "greedy" in text.stdout and "4.644" in text.stdout
    assert "Paired differences" in text.stdout and "greedy - random" in text.stdout


@pytest.mark.parametrize("name", ["dagger", "return-conditioning"])
def test_experiment_lesson07_json(name):
    """--seeds N --json: per-seed values, means and paired differences with their intervals."""
    result = run("experiment", name, "--fast", "--json", "--seeds", "2", "--seed", "4")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["experiment"] == name and data["seeds"] == [4, 5]
    if name == "dagger":
        assert data["horizons"][0] == 10 and {"expert", "round 0", "round 1"} <= set(data["per_step_error"])
        record = data["per_step_error"]["round 0"][-1]
        difference = data["differences"]["round 1 - round 0"]["per_step_error"][-1]
        assert data["growth"]["round 0"]["on_road"][0]["mean"] == 0  # the change from the first horizon to itself
    else:
        assert set(data["worlds"]) == {"steady", "lucky"}
        assert {"expert", "clone all", "clone best 25%", "asked 190", "expected 190"} <= set(data["returns"]["lucky"])
        assert set(data["data"]["lucky"]) == {"expert", "noisy", "poor", "random"}
        record = data["returns"]["lucky"]["asked 190"]["stormy"]
        difference = data["differences"]["lucky"]["expected 190 - asked 190"]["calm+stormy"]
        assert "asked 190" in data["differences"]["lucky - steady"]
    assert len(record["values"]) == 2 and record["low"] <= record["mean"] <= record["high"]
    assert len(difference["values"]) == 2 and isinstance(difference["excludes_zero"], bool)
    assert run("experiment", name, "--fast", "--json", "--seeds", "0").returncode == 2


def test_exercises_check_names_a_corrupt_solution_file(root, tmp_path, monkeypatch, capsys):
    for folder in ("notebooks", "solutions", "exercises"):
        (tmp_path / folder).mkdir()
    name = "01_seeing_vs_doing.ipynb"
    text = (root / "solutions" / name).read_text()
    (tmp_path / "solutions" / name).write_text(text[: len(text) // 2])
    monkeypatch.setenv("CAUSAL_COURSE_ROOT", str(tmp_path))
    assert main(["exercises", "--check"]) == 2
    err = capsys.readouterr().err
    assert f"solutions/{name} is not a readable notebook" in err and "git checkout" in err and "Traceback" not in err


def test_grade_on_windows_says_where_to_grade_instead(monkeypatch, capsys, tmp_path):
    import causal_course.grading.worker_client as client

    monkeypatch.setattr(client.os, "name", "nt")
    assert main(["grade", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "Windows does not offer" in error and "WSL" in error and "docs/instructor.md" in error


def test_every_experiment_command_names_a_study_function():
    import importlib

    from causal_course.cli import EXPERIMENTS

    for name, command in EXPERIMENTS.items():
        module, _, function = command.function.rpartition(".")
        assert callable(getattr(importlib.import_module(f"causal_course.studies.{module}"), function, None)), name


@pytest.mark.slow
def test_experiment_language_model_prints_its_tables():
    """Lesson 08: --seeds 2 --json gives every condition's runs, paired differences and the content effect; the text tables read them."""
    from causal_course.studies.language_model import CONDITIONS, format_tables

    result = run("experiment", "language-model", "--fast", "--json", "--seeds", "2", "--seed", "3")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["experiment"] == "language-model" and set(data["runs"]) == set(CONDITIONS)
    assert all(data["seeds"][c] == [3, 4] and [r["seed"] for r in data["runs"][c]] == [3, 4] for c in CONDITIONS)
    difference = data["summary"]["differences"]["mixed_prompt_experimenter_minus_observer"]["heldout"]
    runs = data["runs"]["mixed"]
    expected = [r["acting"]["experimenter"]["heldout"]["reward"] - r["acting"]["observer"]["heldout"]["reward"] for r in runs]
    assert difference["values"] == pytest.approx(expected, abs=1e-4) and isinstance(difference["excludes_zero"], bool)
    assert len(data["summary"]["content"]["agree_minus_contradict"]["values"]) == 2
    text = format_tables(data)
    for heading in ("1. Reward by corpus", "2. Prompts", "3. Paired differences", "4. Foreseen readings", "5. Content"):
        assert heading in text
    assert "runs" not in text.split("\n")[0]
