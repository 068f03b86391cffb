"""Lesson 03's figures and episode inspector, rendered headless from plain results."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from conftest import exercise_controls  # noqa: E402

from causal_course.learners.evaluation import make_test_sets  # noqa: E402
from causal_course.learners.models import build_model  # noqa: E402
from causal_course.learners.pretrained import load_pretrained  # noqa: E402
from causal_course.seeds import stream  # noqa: E402
from causal_course.statistics import mean_and_standard_error  # noqa: E402
from causal_course.studies.cache import load_results  # noqa: E402
from causal_course.viz.passive import render_learning_curves, render_method_comparison  # noqa: E402
from causal_course.widgets.episode_inspector import (  # noqa: E402
    episode_inspector,
    inspect_episodes,
    render_episode_step,
)
from causal_course.worlds.dag_episodes import describe_exploration, describe_goal  # noqa: E402


def fake_run(shift):
    methods = ("model", "causal_inference", "correlational", "regression_5_samples", "memorising", "random")
    return {g: {m: 0.5 + shift for m in methods} for g in ("in_distribution", "heldout", "critical")}


def test_mean_and_standard_error():
    assert mean_and_standard_error([1.0, 2.0, 3.0]) == pytest.approx((2.0, 1.0 / np.sqrt(3)))
    assert mean_and_standard_error([0.5]) == (0.5, 0.0)
    with pytest.raises(ValueError):
        mean_and_standard_error([])


def test_method_comparison_and_curves_render():
    fig = render_method_comparison([fake_run(0.0), fake_run(0.1)])
    ax = fig.axes[0]
    assert len(ax.containers) >= 6 and "2 run(s)" in ax.get_title()
    curves = {"seconds": [10, 20], "heldout": [[0.5, 0.8], [0.6, 0.9]], "critical": [[0.2, 0.5], [0.3, 0.6]]}
    fig = render_learning_curves(curves, reference={"correlational": 0.45})
    assert fig.axes[0].get_xlabel().startswith("training time")


def test_inspector_renders_every_step():
    model = build_model(seed=0)
    test_set = make_test_sets(20, np.random.default_rng(0))["critical"]
    records = inspect_episodes(model, test_set, np.random.default_rng(1), n_episodes=3)
    assert len(records) == 3 and set(records[0]["goal"]) == {"model", "optimal", "correlational"}
    titles = [render_episode_step(records, 1, step).axes[1].get_title() for step in range(1, 7)]
    assert len(set(titles)) == 6 and titles[-1].startswith("goal")
    with pytest.raises(ValueError, match="step must be between"):
        render_episode_step(records, 0, 7)
    box = episode_inspector(records)
    box.children[0].children[1].value = 6
    assert box.figure.value.startswith("<img")
    exercise_controls(box)
    assert describe_goal(7) == "do(X3 = -5)" and describe_exploration(0) == "observe"


def test_shipped_weights_and_results_load_and_agree():
    model, info = load_pretrained("passive_transformer_seed0")
    assert info["architecture"] == "transformer" and info["steps"] > 0
    results = load_results("passive_results")
    runs = results["transformer"]["runs"]
    assert len(runs) >= 5 and all(run["heldout"]["model"] > run["heldout"]["correlational"] for run in runs)
    # the shipped weights are the cached seed-0 model: the same test episodes give the same score
    from causal_course.learners.evaluation import evaluate_agent, model_agent

    seed = results["transformer"]["seeds"][0]
    heldout = make_test_sets(1000, stream(seed, "test_episodes"))["heldout"]
    score = evaluate_agent(model_agent(model, sample=True, seed=seed), heldout, stream(seed, "model_actions"))
    assert score == pytest.approx(runs[0]["heldout"]["model"], abs=1e-9)
    with pytest.raises(FileNotFoundError, match="benchmarks/passive.py"):
        load_pretrained("nothing_here")


def test_a_missing_results_file_names_what_exists_and_how_to_make_it():
    with pytest.raises(FileNotFoundError) as caught:
        load_results("confounding")  # the file is confounding_results.json
    message = str(caught.value)
    assert "'confounding_results'" in message and "benchmarks/confounding.py --save" in message


def test_cached_results_support_what_lesson_03_says():
    """The lesson's claims, checked against the cached results it loads (regenerating them re-checks the claims)."""
    from causal_course.statistics import mean_with_interval, paired_difference

    variants = load_results("variants_results")
    table = variants["table"]
    assert len(variants["seeds"]) >= 5 and set(table) == {"standard", "unequal-noise", "confounded"}
    for env in table:
        assert table[env]["causal_inference"]["heldout"]["low"] > 0.98
    # unequal noise does not break regression on unlimited observations; the hidden confounder does
    assert table["unequal-noise"]["regression_unlimited"]["heldout"]["low"] > 0.93
    assert table["confounded"]["regression_unlimited"]["heldout"]["high"] < 0.85
    passive = load_results("passive_results")
    confounded = passive["transformer_confounded"]["runs"]
    assert len(confounded) >= 5
    gap = paired_difference([r["heldout"]["model"] for r in confounded],
                            [r["heldout"]["regression_unlimited"] for r in confounded])
    assert gap["excludes_zero"] and gap["mean"] > 0  # "beats unlimited observation on held-out structures"
    for group in ("heldout", "critical"):  # "... and on critical ones"
        models = [r[group]["model"] for r in confounded]
        beats = paired_difference(models, [r[group]["regression_unlimited"] for r in confounded])
        assert beats["excludes_zero"] and beats["mean"] > 0.1
    # "a little below causal inference on held-out episodes; on critical ones about 0.06 lower, no difference shown"
    below = {group: paired_difference([r[group]["model"] for r in confounded],
                                      [r[group]["causal_inference"] for r in confounded]) for group in ("heldout", "critical")}
    assert below["heldout"]["excludes_zero"] and -0.05 < below["heldout"]["mean"] < 0
    assert not below["critical"]["excludes_zero"] and -0.1 < below["critical"]["mean"] < -0.03
    # the standard model: the performance target, and "about 95 % X0 choices in these five seeds"
    standard = passive["transformer"]["runs"]
    assert mean_with_interval([r["heldout"]["model"] for r in standard])["mean"] >= 0.97
    assert mean_with_interval([r["critical"]["model"] for r in standard])["mean"] >= 0.93
    assert all(0.9 < r["critical_choices"]["x0_share"] < 1.0 for r in standard)
    # the readings ablation: 8 seeds, no difference shown; seed 5 with readings picks X0 on about 73 %
    ablation = load_results("readings_ablation_results")
    assert len(ablation["seeds"]) >= 8
    for metric in ("heldout", "critical"):
        assert not ablation["summary"][metric]["difference"]["excludes_zero"]
    seed5 = next(r for r in ablation["per_seed"]["with_readings"] if r["seed"] == 5)
    assert 0.7 < seed5["critical_x0_share"] < 0.76 and seed5["critical"] < 0.8
    # Think! B2.2: it explores well (every variable in ~99 %) and is no better given the expert's experiments
    assert seed5["explores_every_variable"] > 0.97 and seed5["critical_x0_share_given_expert"] < 0.76
    cues = load_results("cues_results")
    runs = cues["per_seed"]
    assert len(runs) >= 5
    # "almost only on the cued variables (well under 1 % ... in four seeds, 2.75 % in the fifth)"; with that one
    # seed the 5-seed interval reaches 2.1 %, so the claim is checked per seed
    shares = sorted(r["interventions_on_uncued_share"]["heldout_combinations"] for r in runs)
    assert all(share < 0.01 for share in shares[:-1]) and shares[-1] < 0.03
    assert mean_with_interval(shares)["mean"] < 0.01
    saved = paired_difference([r["steps_used"]["heldout_combinations_cue_hidden"] for r in runs],
                              [r["steps_used"]["heldout_combinations"] for r in runs])
    assert saved["excludes_zero"] and saved["mean"] > 1.5
    # "in most seeds as well as with the cue hidden, using as many experiments as the cued expert; a seed that
    # skips cued variables on the new combinations loses reward"
    # "every seed uses about as many experiments as the cued expert and scores as well as with the cue hidden;
    # no cost shown"
    close = [abs(r["reward"]["heldout_combinations"] - r["reward"]["heldout_combinations_cue_hidden"]) < 0.02
             and abs(r["steps_used"]["heldout_combinations"] - r["steps_used"]["cued_expert"]) < 0.1 for r in runs]
    assert all(close)
    cost = paired_difference([r["reward"]["heldout_combinations"] for r in runs],
                             [r["reward"]["heldout_combinations_cue_hidden"] for r in runs])
    assert not cost["excludes_zero"]


def test_cached_gru_tuning_supports_section_10():
    from causal_course.statistics import paired_difference

    rows = load_results("gru_tuning_results")["configurations"]
    assert len({r["learning_rate"] for r in rows}) >= 3 and len({(r["width"], r["n_layers"]) for r in rows}) >= 3
    transformer = load_results("passive_results")["transformer"]["runs"]
    size = transformer[0]["n_parameters"]
    for row in rows:
        assert abs(row["n_parameters"] - size) / size < 0.1 and row["steps"] == 2200 and len(row["seeds"]) >= 5
    # "held-out and critical reward both rise with the learning rate" (one layer of width 128)
    single = sorted((r for r in rows if (r["width"], r["n_layers"]) == (128, 1)), key=lambda r: r["learning_rate"])
    assert len(single) >= 3
    for low, high in zip(single, single[1:]):
        assert high["heldout"]["mean"] > low["heldout"]["mean"] and high["critical"]["mean"] > low["critical"]["mean"]
    # "every seed of the transformer, the ablation's seed 5 included, picks X0 more often than any GRU seed"
    gru_x0 = max(v for row in rows for v in row["critical_x0_share"]["values"])
    assert min(r["critical_choices"]["x0_share"] for r in transformer) > gru_x0
    ablation = load_results("readings_ablation_results")["per_seed"]["with_readings"]
    assert min(r["critical_x0_share"] for r in ablation) > gru_x0
    assert gru_x0 < 0.7 and min(r["critical_choices"]["x0_share"] for r in transformer) > 0.9
    # "between the two highest, held-out and critical reward still rise (both intervals exclude 0), and the rise of
    # the X0 share is not shown"
    top, below_top = single[-1], single[-2]
    for metric in ("heldout", "critical"):
        rise = paired_difference(top[metric]["values"], below_top[metric]["values"])
        assert rise["excludes_zero"] and rise["mean"] > 0
    assert not paired_difference(top["critical_x0_share"]["values"], below_top["critical_x0_share"]["values"])["excludes_zero"]
    # "extra layers did not raise critical reward at 0.005, and made no difference shown on held-out reward either"
    # (paired by seed against one layer of width 128 at the same learning rate)
    for deep in (r for r in rows if r["n_layers"] > 1):
        base = next(r for r in single if r["learning_rate"] == deep["learning_rate"])
        assert not paired_difference(deep["heldout"]["values"], base["heldout"]["values"])["excludes_zero"]
        raised = paired_difference(deep["critical"]["values"], base["critical"]["values"])
        assert not (raised["excludes_zero"] and raised["mean"] > 0)
    # "the best configuration used the largest learning rate tried"
    best = max(rows, key=lambda row: row["critical"]["mean"])
    assert best["learning_rate"] == max(r["learning_rate"] for r in rows)
    gap = paired_difference([r["critical"]["model"] for r in transformer], best["critical"]["values"])
    assert gap["excludes_zero"] and 0.2 < gap["mean"] < 0.4  # "about 0.3, interval excluding 0"
