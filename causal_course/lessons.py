"""The lesson registry: the one list of the course's lessons.

Introduced in lesson 00 (the course map). Every place that lists lessons reads it: the exercise
checks and ``causal-course grade --lesson``, the README's lesson table, lesson 00's course map,
the instructor guide's time table (``causal-course exercises`` rewrites the three tables), the
site's navigation and the browser test. ``tests/test_registry.py`` fails when a lesson exists
without an entry, or the reverse, and when a notebook's header disagrees with its entry.

>>> lesson("03").title
'Passive learning of active causal strategies'
>>> [entry.number for entry in LESSONS if entry.exercises][:3]
[1, 2, 3]
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    """One lesson: ``notebooks/{slug}.ipynb``, and with exercises ``exercises/`` and ``solutions/{slug}.ipynb``.

    ``title`` is the short title (course map, README, navigation); ``heading`` the notebook's own
    title when it is longer; ``question`` what the lesson asks (lesson 00's course map);
    ``summary`` its contents (README); ``objectives`` and ``minutes`` (working time of the core
    sections, without the exercises) as the notebook's header states them; ``bonus_minutes`` the
    optional *Bonus* sections' time; ``exercises`` the graded exercises' ids. Each ``## Section``
    and ``## Bonus`` heading is followed by its own ``*Estimated time: N minutes.*`` line, and
    ``tests/test_lesson_structure.py`` checks that they add up to ``minutes`` and ``bonus_minutes``.
    """

    number: int
    slug: str
    title: str
    question: str
    summary: str
    objectives: tuple[str, ...]
    minutes: int
    exercise_minutes: int = 0
    bonus_minutes: int = 0
    exercises: tuple[str, ...] = ()
    heading: str = ""

    @property
    def code(self) -> str:
        """``"03"``: the lesson's number as the file names write it."""
        return f"{self.number:02d}"

    @property
    def full_heading(self) -> str:
        return self.heading or self.title

    @property
    def time_statement(self) -> str:
        """The header's time line, e.g. ``**Estimated time:** 50 minutes for the core sections, ...``."""
        text = f"**Estimated time:** {self.minutes} minutes"
        if self.bonus_minutes:
            text += f" for the core sections and {self.bonus_minutes} minutes for the optional bonus sections"
        if self.exercise_minutes:
            text += (f" (plus {self.exercise_minutes} minutes for the graded exercises in "
                     f"`exercises/{self.slug}.ipynb`)")
        return text + ". Each section states its own time."

    @property
    def notebook(self) -> str:
        return f"notebooks/{self.slug}.ipynb"

    @property
    def checks_module(self) -> str | None:
        """The module holding this lesson's exercise checks, or None for a lesson without exercises."""
        return f"causal_course.checks.lesson{self.code}" if self.exercises else None


LESSONS = (
    Lesson(number=0, slug='00_start_here', title='Start here',
           question='Does everything work?',
           summary='setup self-check, widgets, conventions, how exercises work',
           objectives=(
               'check that your setup works (Python, the packages, widgets);',
               "use the course's conventions: seeded random generators, `do={...}` for interventions, `weights[i, j]` for the edge `i -> j`;",
               'work through an exercise and read its automatic feedback.',
           ),
           minutes=15, exercise_minutes=0, exercises=()),
    Lesson(number=1, slug='01_seeing_vs_doing', title='Seeing vs doing',
           question='Why is watching the world not the same as changing it?',
           summary="SCMs, `do`, confounding, Simpson's paradox, randomised trials, the ladder of causation, *passive is not observational*",
           objectives=(
               'write a *structural causal model* (SCM) and sample from it;',
               'tell **seeing** (conditioning on what happened) from **doing** (intervening with the do-operator);',
               "explain *confounding*, and recognise Simpson's paradox;",
               'explain why randomised trials and A/B tests measure causal effects: they are interventions;',
               'climb the *ladder of causation*: association, intervention, counterfactual (abduct, act, predict);',
               "explain why **passive is not observational**: reading someone else's experiment log gives you interventional data.",
           ),
           minutes=60, exercise_minutes=30, exercises=('1.1', '1.2', '1.3', '1.4')),
    Lesson(number=2, slug='02_experiments_reveal_structure', title='Experiments reveal structure',
           question='Which experiments tell cause from effect?',
           summary="all 25 DAGs on 3 variables and their 11 Markov equivalence classes; the exact posterior over DAGs from observational and interventional data; the most informative experiment; children learning from an experimenter's demonstrations (blicket detectors)",
           objectives=(
               'list every causal DAG on three variables (there are 25) and group them into **Markov equivalence classes**;',
               'explain why observational data leave the edges within a class unoriented, and why interventions orient them;',
               'compute an exact **posterior over DAGs** from observational and interventional data;',
               'value a candidate experiment by its **expected information gain**, and compare a greedy experimenter with a random one;',
               'explain how children who only *watch* an experimenter work out a hidden causal rule (**blicket detectors**), and why that is interventional data.',
           ),
           minutes=85, bonus_minutes=27, exercise_minutes=30, exercises=('2.1', '2.2', '2.3', '2.4', '2.5')),
    Lesson(number=3, slug='03_passive_causal_strategies', title='Passive learning of active causal strategies',
           question="Can a model that only read someone else's experiments learn to experiment?",
           summary="the causal-DAG episode environment and its variants (unequal noise, a hidden confounder where observation cannot find the answer), baselines, a transformer trained only on an expert's logs and tested interactively on held-out structures, why a strategy can be learned passively (and when not), relevance cues, the model's forward pass and loss written out",
           objectives=(
               'describe the causal-DAG episode environment: an exploration phase of experiments, then a goal;',
               'compare strategies for it: optimal, causal inference, correlational, memorising, random;',
               "train a small transformer by **behaviour cloning** on an expert's logs only (passive data);",
               'test it **interactively** on causal structures held out from training, and read the result honestly (error bars over seeds, a critical subset);',
               'explain why a *strategy* for experimenting can be learned passively even when the *structures* are new, under which conditions, and when it cannot;',
               'tell when observation could have done as well (environment variants where it cannot);',
               'test whether the same passive learner can use **relevance cues** (prior knowledge of which variables matter) to experiment less, also for cue combinations it never read about;',
               "read the model's own code: what a token holds, the causal mask, the heads and the imitation loss, and change it.",
           ),
           minutes=140, exercise_minutes=60, bonus_minutes=25, exercises=('3.1', '3.2', '3.3', '3.4', '3.5', '3.6', '3.7')),
    Lesson(number=4, slug='04_data_mixtures', title='Data mixtures',
           question="What does an imitator learn from a mix of experimenters' and observers' logs, and can we ask it to act as the experimenter?",
           summary="what an imitator learns from mixtures of experimenters' and observers' logs (all-or-nothing, mixed within each log, random experimenters); sampled vs greedy imitation; source tags to ask for the experimenter; the off-record expert; pooling estimates by precision",
           objectives=(
               'explain what an imitator can learn from logs written by **experimenters** and by **observers**, and why every label must be explainable from its own log;',
               "read the mixture curves, separating *using* interventional evidence (given the expert's experiments) from *gathering* it (running its own);",
               'explain why greedy imitation can hide what was learned, and why sampled behaviour shows it;',
               'use **source tags** to *ask* a model trained on a mixture to act as the experimenter, and connect this to prompting language models and to return-conditioning (lesson 07);',
               'explain why an expert who acts on what its log does not hold cannot be imitated (the **off-record expert**);',
               '*(Bonus 1)* pool unbiased estimates by precision, and say why a biased source is not noise to average away.',
           ),
           minutes=72, exercise_minutes=35, bonus_minutes=10, exercises=('4.1', '4.2', '4.3', '4.4')),
    Lesson(number=5, slug='05_explanations', title='Explanations as auxiliary objectives',
           question='Does predicting explanations help learning?',
           summary='an explanation head trained jointly with imitation; explanations from the log against answer supervision; paired comparisons over 8 seeds; a task where explanations make learning possible',
           objectives=(
               'describe how an **explanation head** adds an auxiliary objective to imitation, with a weight $\\lambda$;',
               'build explanation targets from a logged episode (what my experiments did to the target, the experiment that justifies a choice, what each experiment did) and tell them from privileged **answer supervision**;',
               'compare learning with and without explanations **at equal training budgets**, paired by seed, with a 95 % interval of the difference;',
               'say honestly when an effect is not detectable, and why overlapping or separate error bars are not a test;',
               'recognise a task where explanations make learning possible.',
           ),
           minutes=80, exercise_minutes=50, bonus_minutes=15, exercises=('5.1', '5.2', '5.3', '5.4', '5.5')),
    Lesson(number=6, slug='06_confounded_generalisation', title='Confounded generalisation',
           question='When two explanations fit the data, which one does a learner pick up?',
           summary='an odd-one-out task with perfectly confounded training data; explanations decide which feature a model generalises on; confounded experiments learned passively, where an explanation is only a push',
           objectives=(
               'explain why **perfectly confounded** training data cannot decide which feature a learner should use;',
               'build a **deconfounded test** that pulls the candidate features apart;',
               'show that an explanation naming one feature decides which one a model generalises on, as a paired difference over 8 seeds;',
               'test whether less confounded data weaken that dependence, with explanations that stay true.',
           ),
           minutes=55, exercise_minutes=25, exercises=('6.1', '6.2', '6.3')),
    Lesson(number=7, slug='07_from_passive_to_active', title='From passive to active',
           heading='From passive to active: compounding error, DAgger, and return-conditioned imitation',
           question='Why do imitators drift once they act, and how is it fixed?',
           summary="a car cloned from an expert's drives meets situations its own errors create (compounding error); DAgger's on-policy, expert-labelled data fix it; return-conditioned imitation from drives of mixed quality, its failure when returns were luck (a controlled comparison) and a fix, conditioning on expected returns; in a bonus section, DAgger, on-policy distillation and RLHF",
           objectives=(
               "explain why a policy cloned from an expert's demonstrations can make errors that **compound** once it acts: its own mistakes take it to situations the expert never showed it, where a learner that cannot extrapolate has no guide;",
               'fix it with a little **on-policy, expert-labelled** data: DAgger lets the learner drive and asks the expert what it would have done;',
               'learn from demonstrations of **mixed quality** by conditioning on the return, and ask for a high one;',
               'recognise when return-conditioning fails, when high returns came from **luck**, not from skill, and test it with a **controlled**, paired comparison;',
               'fix it by conditioning on what the driver controls: the **expected** return of its kind of behaviour;',
               'connect DAgger to training language models on their **own generations** (on-policy distillation, RLHF), and say where the analogy stops (bonus section).',
           ),
           minutes=110, exercise_minutes=30, bonus_minutes=15, exercises=('7.1', '7.2', '7.3', '7.4')),
    Lesson(number=8, slug='08_language_models', title='Language models as passive learners',
           heading='Language models as passive learners: a tiny language model learns to experiment from written notes',
           question='Can a language model, trained only on text others wrote, learn to experiment, and what do prompts, explanations and content do to it?',
           summary="experiments written as English notes; a tiny GPT trained from scratch on them acts as an experimenter in new worlds; mixtures of experimenters' and observers' notes, prompts that select the strategy, explanations, what the model foresees after setting a dial, content effects; causal parrots; in a bonus section, RLHF",
           objectives=(
               'say what in web text is **interventional** (reports of experiments, tried-and-changed recipes, debugging threads) and what is only observational;',
               "train a tiny **GPT** from scratch on written experimenters' notes, and run it as an **agent** that writes its own actions, parsed into interventions;",
               "measure what a mixture of experimenters' and observers' notes teaches, and how a **prompt** (the notes' header) selects the strategy, as paired differences over seeds;",
               'test whether **explanation** sentences help at equal compute, and what the model foresees after "I set B to 5:" against after "I looked at the dials:";',
               'measure a **content effect**: dial names whose causal order is always the same, and new worlds that agree with or contradict them;',
               'ground the "causal parrots" debate in these figures, and (bonus section) connect RLHF and training on a model\'s own generations to lesson 07.',
           ),
           minutes=90, exercise_minutes=45, bonus_minutes=10, exercises=('8.1', '8.2', '8.3', '8.4')),
)


def lesson(key) -> Lesson:
    """The lesson with number or slug ``key`` (``3``, ``"03"`` or ``"03_passive_causal_strategies"``) (lesson 00)."""
    for entry in LESSONS:
        if key in (entry.number, entry.code, entry.slug) or (isinstance(key, str) and key.isdigit()
                                                              and int(key) == entry.number):
            return entry
    raise ValueError(f"no lesson {key!r}; the lessons are {[entry.slug for entry in LESSONS]}.")


def readme_table() -> str:
    """The README's lesson table (Markdown), rewritten by ``causal-course exercises``."""
    rows = ["| # | lesson | status |", "|---|---|---|"]
    for entry in LESSONS:
        links = (f" ([exercises](exercises/{entry.slug}.ipynb), [solutions](solutions/{entry.slug}.ipynb))"
                 if entry.exercises else "")
        rows.append(f"| {entry.code} | [{entry.title}]({entry.notebook}): {entry.summary}{links} | ready |")
    return "\n".join(rows)


def course_map() -> str:
    """Lesson 00's course map (Markdown): each lesson and the question it asks."""
    rows = ["| # | lesson | the question |", "|---|---|---|"]
    rows += [f"| {entry.code} | {entry.title} | {entry.question} |" for entry in LESSONS]
    return "\n".join(rows)


def time_table(points: dict) -> str:
    """The instructor guide's time table; ``points`` maps a slug to the total points of its exercises."""
    rows = ["| lesson | core | bonus | exercises | graded exercises | points |", "|---|---|---|---|---|---|"]
    for entry in LESSONS:
        bonus = f"{entry.bonus_minutes} min" if entry.bonus_minutes else "-"
        if entry.exercises:
            span = f"{entry.exercises[0]}-{entry.exercises[-1]}"
            rows.append(f"| {entry.code} {entry.title} | {entry.minutes} min | {bonus} | "
                        f"{entry.exercise_minutes} min | {span} | {points[entry.slug]:g} |")
        else:
            rows.append(f"| {entry.code} {entry.title} | {entry.minutes} min | {bonus} | - | none | - |")
    return "\n".join(rows)
