"""Lesson 05's demos: learning curves with and without explanations, and each explanation's paired difference.

Both read the cached results of ``benchmarks/explanations.py --save``, so the controls answer at once.
"""

from __future__ import annotations

import numpy as np

from causal_course.viz.style import PALETTE, interval_error_bars

CONDITION_LABELS = {
    "none": "no explanation",
    "logged_effects": "explain: what my experiments did to the target",
    "justification": "explain: which experiment justifies",
    "step_effects": "explain: what each experiment did",
    "step_effects+normalised": "explain: what each experiment did (loss normalised)",
    "answer": "answer supervision: true effects (privileged)",
}
CONDITION_STYLES = {"none": ("black", "o", "-"), "logged_effects": ("blue", "s", "--"),
                    "justification": ("green", "^", ":"), "step_effects": ("vermillion", "D", "-."),
                    "step_effects+normalised": ("orange", "v", "-."), "answer": ("purple", "P", "--")}
GROUP_TITLES = {"heldout": "held-out structures", "critical": "critical episodes"}


def _check_group(group: str) -> str:
    if group not in GROUP_TITLES:
        raise ValueError(f"group must be one of {sorted(GROUP_TITLES)}, got {group!r}.")
    return group


def verdict(difference: dict) -> str:
    """The words the course allows for a paired difference: "helps", "hurts" or no detectable difference (lesson 05)."""
    if not difference.get("excludes_zero"):
        return "no detectable difference"
    return "helps" if difference["mean"] > 0 else "hurts"


def render_explanation_curves(results: dict, group: str = "critical", conditions=None, ax=None, baselines=None):
    """Reward against training episodes for each condition: means over seeds with 95 % intervals (lesson 05).

    ``baselines`` (optional) maps a label to a reward drawn as a horizontal line, e.g. lesson 03's
    correlational agent on the same kind of test episodes.
    """
    from causal_course.viz.style import course_figure

    group = _check_group(group)
    conditions = list(results["curves"]) if conditions is None else list(conditions)
    unknown = [c for c in conditions if c not in results["curves"]]
    if unknown:
        raise ValueError(f"no cached curve for {unknown}; the cached conditions are {list(results['curves'])}.")
    fig = None
    if ax is None:
        fig = course_figure(figsize=(7, 3.8))
        fig.subplots_adjust(left=0.1, right=0.98, bottom=0.14, top=0.9)
        ax = fig.add_subplot()
    episodes = np.asarray(results["episodes"]) / 1000
    for k, condition in enumerate(conditions):
        records = results["curves"][condition][group]
        colour, marker, style = CONDITION_STYLES.get(condition, ("grey", "o", "-"))
        shift = (k - (len(conditions) - 1) / 2) * 0.012 * episodes[-1]  # side by side, so the bars stay readable
        ax.errorbar(episodes + shift, [r["mean"] for r in records], yerr=interval_error_bars(records), color=PALETTE[colour],
                    marker=marker, linestyle=style, capsize=3, label=CONDITION_LABELS.get(condition, condition))
    for (label, value), style in zip((baselines or {}).items(), (":", "-.", (0, (5, 5)))):
        ax.axhline(float(value), color=PALETTE["black"], linestyle=style, linewidth=1, label=label)
    ax.set_xlabel("training episodes (thousands)")
    ax.set_ylabel("normalised reward")
    ax.set_ylim(-0.05, 1.05)
    ax.set_title(f"{GROUP_TITLES[group]}: mean and 95 % interval over {len(results['seeds'])} seeds")
    ax.legend(fontsize=7, loc="lower right")
    return fig if fig is not None else ax.figure


def render_paired_differences(results: dict, group: str = "critical", selected: str | None = None, ax=None):
    """Each condition's final reward minus no explanation, seed by seed: 95 % interval and the seeds (lesson 05)."""
    from causal_course.viz.style import course_figure

    group = _check_group(group)
    fig = None
    if ax is None:
        fig = course_figure(figsize=(8, 3.6))
        fig.subplots_adjust(left=0.4, right=0.98, bottom=0.2, top=0.9)
        ax = fig.add_subplot()
    conditions = list(results["versus_none"])
    labels = []
    for row, condition in enumerate(conditions):
        difference = results["versus_none"][condition][group]
        colour = PALETTE[CONDITION_STYLES.get(condition, ("grey",))[0]]
        ax.errorbar(difference["mean"], row, xerr=interval_error_bars([difference]), fmt="o", color=colour, capsize=4,
                    linewidth=3 if condition == selected else 1.5)
        ax.scatter(difference["values"], np.full(len(difference["values"]), row + 0.25), s=9, color=colour, alpha=0.7)
        labels.append(f"{CONDITION_LABELS.get(condition, condition)}\n({verdict(difference)})")
    ax.axvline(0.0, color="grey", linewidth=1)
    ax.set_yticks(range(len(conditions)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(f"final reward minus no explanation, {GROUP_TITLES[group]}\n(dots: single seeds)", fontsize=8)
    ax.set_title(f"paired by seed, after {results['episodes'][-1] // 1000}k episodes", fontsize=9)
    return fig if fig is not None else ax.figure


def render_condition(results: dict, condition: str = "justification", group: str = "critical"):
    """One condition's learning curve against no explanation, beside every condition's paired difference (lesson 05)."""
    from causal_course.viz.style import course_figure

    if condition not in results["versus_none"]:
        raise ValueError(f"no cached comparison for {condition!r}; choose one of {list(results['versus_none'])}.")
    fig = course_figure(figsize=(12, 4.0))
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.2, top=0.9, wspace=0.9)
    curve_ax, difference_ax = fig.subplots(1, 2)
    render_explanation_curves(results, group, ["none", condition], ax=curve_ax)
    render_paired_differences(results, group, selected=condition, ax=difference_ax)
    return fig


def explanation_widget(results: dict):
    """Condition and test-group toggles wired to :func:`render_condition` (lesson 05)."""
    import ipywidgets as widgets

    from causal_course.widgets.wiring import interactive_figure

    conditions = list(results["versus_none"])
    controls = {
        "condition": widgets.Dropdown(options=[(CONDITION_LABELS.get(c, c), c) for c in conditions],
                                      value=conditions[0], description="compare"),
        "group": widgets.ToggleButtons(options=[("critical", "critical"), ("held-out", "heldout")], value="critical",
                                       description="test on"),
    }
    box = interactive_figure(render_condition, controls, fixed={"results": results}, cache_version=lambda: 0)
    box.precompute({"condition": c, "group": g} for c in conditions for g in GROUP_TITLES)
    return box
