"""Lesson 08 feasibility: can a tiny language model, trained on written experimenter's notes, experiment?

Usage (from the course folder):

    .venv/bin/python benchmarks/language_model_feasibility.py                      # the default design
    .venv/bin/python benchmarks/language_model_feasibility.py --seconds 300 --width 64 --layers 2
    .venv/bin/python benchmarks/language_model_feasibility.py --checkpoint /tmp/lm.pt   # resumable

Builds a corpus of experimenter's notes (causal_course.worlds.text_reports; --cache-dir keeps its
token array, so it is built once per seed and design: 30 to 60 s for 200,000 documents, then about
1 s to load), trains the GPT of causal_course.learners.language_model on --threads threads for
about --seconds of training (the number of steps is fixed from a short timing run, the fastest
of three 10-step windows, in CPU time on one thread as the machine is shared, in wall time on more,
so that the learning-rate schedule completes; both CPU and wall time are reported; --steps fixes
them outright), then lets it act
(causal_course.learners.language_agent) on lesson 03's test sets, greedy and sampled, beside lesson
03's baselines on the very same test sets. Prints one JSON object. Figures, not a test.

The defaults are now run 7's design (--recap --lr 1e-2 --threads 2 --batch 64); the flags of runs
1 to 6 are relative to the earlier defaults (no recap, --lr 3e-3, --threads 1, --batch 32).

Measured (seed 0, one seed each: differences of a few hundredths are noise; 1,000 test episodes per
set; a 2-core machine shared with other jobs, so CPU seconds are the honest training time; every
design 2 layers, width 64, 4 heads, batch 32, about 125k parameters; rewards greedy / sampled; the
baselines on the same test sets: correlational 0.465 / 0.476 / 0.390, regression on 5 samples
0.673 / 0.694 / 0.673, causal inference 1.0, memorising -0.04 / 0.01 / 0.00, for in-distribution /
held-out / critical):

==  ==============================================  ======  =========  ===========  ===========  ============
#   design (flags)                                  steps   CPU s      in-distr.    held-out     critical
==  ==============================================  ======  =========  ===========  ===========  ============
1   --lr 3e-3 (text as in the issue)                2,711   (wall 623)  0.26 / 0.05  0.21 / 0.09  0.08 / 0.05
2   --lr 1e-2                                       3,912   300        0.21 / 0.05  0.21 / 0.06  0.05 / 0.05
3   --lr 1e-2 --recap                               3,057   274        0.67 / 0.60  0.50 / 0.49  0.02 / 0.04
4   --lr 1e-2 --recap --decimals 0                  4,300   305        0.64 / 0.57  0.53 / 0.48  0.14 / 0.16
5   --lr 1e-2 --recap --number-features             3,152   297        0.59 / 0.39  0.44 / 0.37  -0.02 / 0.01
6   --lr 1e-2 --recap --seconds 600                 6,578   589        0.91 / 0.87  0.83 / 0.82  0.47 / 0.52
==  ==============================================  ======  =========  ===========  ===========  ============

In every run the format and the exploration were learned perfectly (unparseable actions 0 to 0.3 %
greedy, at most 0.8 % sampled; every variable set once in 99 to 100 % of the episodes); the goal
choice was not. Without the recap the model barely beats chance at the goal (0.2); with it, it
reaches 0.6 to 0.67 in distribution and 0.5 held-out (about the correlational agent's 0.48), and
it fails the critical subset: the model of run 5 never chose dial A at the goal, in distribution
either (the expert chooses A in 8 % of training episodes, as the held-out split pushes X0 late in
the causal order), so it leans on a prior over names rather than comparing the readings. Generation:
17,000 to 22,000 written tokens per CPU second (greedy and sampled alike, 500 episodes in step with a
key-value cache): 1,000 episodes (36,000 tokens) in about 2 s. Run 1 predates the CPU-time probe.

Run 6 is run 3 with twice the compute (10 CPU minutes, 210,000 documents read). Its learning curve
(greedy held-out reward on 300 other episodes, every 1,000 steps: 0.36, 0.51, 0.61, 0.83, 0.83,
0.82, 0.83) jumps between steps 3,000 and 4,000, just past where the 5-minute runs stop (their
learning rate already decayed): the held-out target (>= 0.8, far above the correlational 0.48) is
met at about twice the 5-minute budget on one core, while the critical subset (0.47 greedy, 0.52
sampled) beats the correlational agent (0.39) but not the regression on 5 samples (0.67).

**Two threads, and several goals per report** (runs 7 to 9; same seed, test sets and baselines;
all with --recap --lr 1e-2 --threads 2 --batch 64 --cache-dir /tmp/lm2cache; CPU seconds now count
both threads; wall seconds exclude the corpus and the evaluations):

==  ==============================================  ======  ===========  ===========  ===========  ============
#   design (flags besides the above)                steps   CPU / wall   in-distr.    held-out     critical
==  ==============================================  ======  ===========  ===========  ===========  ============
7   --seconds 300                                   2,335   489 / 527    0.74 / 0.61  0.61 / 0.57  0.01 / 0.01
8   --goals 3 --context 256 --seconds 300           786     245 / 147    0.36 / 0.30  0.15 / 0.21  0.00 / 0.05
9   --goals 3 --context 256 --steps 1600            1,600   487 / 266    0.48 / 0.33  0.33 / 0.28  -0.01 / 0.02
10  --layers 3 --seconds 300 (178k parameters)      1,876   587 / 321    0.54 / 0.40  0.39 / 0.33  -0.02 / 0.00
==  ==============================================  ======  ===========  ===========  ===========  ============

Speed (``benchmarks/language_model_speed.py``, 15 timed steps; measured with the machine nearly
idle): width 64, 2 layers, one thread, batch 32: 93 ms a step (344 documents a second). Two threads:
70 ms at batch 32 (458 documents a second, 1.33 times one thread), 114 ms at batch 64 (564, 1.64
times), 230 ms at batch 128 (557): batch 64 is where two threads pay. Width 96: 318 documents a
second (2 threads, batch 32); width 128: 243 (batch 64); 3 layers at width 64: 391 (batch 32), 378
(batch 128). So the wider or deeper models read 30 to 57 % fewer documents in the same wall time.

**The machine was not free**: other sessions' processes (a browser, other Pythons) shared the two
cores during runs 7 to 9, so the wall-time probe that fixes the steps is unreliable. Run 7 was
planned as 300 wall seconds from its probe (about 128 ms a step) and took 527 (226 ms a step); run
8's probe ran in a busy moment (about 380 ms a step) and fixed only 786 steps, which then took 147
wall seconds (186 ms a step): run 8 is an under-trained run, not a verdict on several goals. Run 9
repeats it with the steps fixed to about run 7's CPU seconds (1,600 steps of 254-token reports,
three decisions each, against 2,335 steps of 184-token reports, one decision each).

Run 7's learning curve (greedy held-out reward on 300 other episodes): 0.09, 0.26, 0.38, 0.60,
0.63 at steps 500 to 2,335; 149,440 documents read, against run 6's 210,000 at batch 32. Like the
5-minute runs on one thread, it chooses the goal well in distribution (0.74) and fails the critical
subset (0.01: it never sets X0 when X1 is the target), below the correlational agent there (0.39).
Three goals per report did not help at equal compute (run 9 against run 7, both about 488 CPU
seconds): held-out 0.33 against 0.61. It reads 102,400 reports (307,200 decisions) against 149,440
(149,440 decisions), so more decisions per exploration is not what the model lacks at this budget;
one likely reason: lesson 03's sampler gives every episode a target some other dial moves, but
the extra targets are drawn among the other four dials, and only 61 % of those have a cause
(20,000 training structures, ``sample_structures(20000, default_rng(0), "train")``): for the other
39 % the expert's choice is the largest noise, which no model can learn, and the longer reports
cost a third more per step. Drawing the extra targets among dials with a cause, as the world draws
the first, is the next thing to try (not tried). Run 9's curve:
0.18 at step 800, 0.30 at 1,600. Unparseable actions stayed at 0 to 0.2 % in every run.

Three layers at the same wall budget (run 10; the new probe, fastest of three windows, said 160 ms
a step and the run took 171 on a nearly free machine) read 120,064 reports and reach held-out 0.39:
below two layers' 0.61 (run 7). Widths 96 and 128 were not trained (no time); by the speed figures
above they would read 45 to 57 % fewer reports than width 64 in the same wall time. At 5 wall
minutes on two threads no design tried here reaches the issue's held-out 0.8: run 7 (two layers,
width 64, batch 64; its 2,335 steps take about 270 s at the idle-machine 114 ms a step) is the best
at 0.61 greedy, and only run 6's 10 CPU minutes (0.83) has reached it; every one fails the
critical subset (at most 0.01 at 5 minutes).

The corpus cache: building 200,000 recap reports took 32 s (one goal) and 58 s (three goals); the
cached arrays (int16) load in about a second.

**The lesson's models** (``benchmarks/language_model.py --lesson-model``, run 6's design: one thread,
batch 32, 6,578 steps, lr 1e-2, recap; seed 0; 1,000 test episodes per set, greedy):

====================================================  ===========  ===========  ===========
model                                                 in-distr.    held-out     critical
====================================================  ===========  ===========  ===========
experimenters' notes, 200,000 (the lesson's model)    0.91         0.83         0.47
experimenters' notes, 100,000 (the study's size)      0.61         0.47         -0.01
half and half, 100,000, prompted as an experimenter   0.58         0.45         -0.01
====================================================  ===========  ===========  ===========

The first reproduces run 6 (same corpus seed and size). Its held-out curve (every 500 steps on 300
other episodes) reaches 0.83 at step 4,000 and stays; the 100,000-note model stays at 0.35-0.48
throughout. One seed each: corpus size (each note read about once against twice) is one candidate
reason, seed luck another. Training took 10 CPU minutes on one thread (606 s), so the issue's "5
minutes on 2 cores" target is not met by the lesson's model.
"""

from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402

from causal_course.learners.baselines import baseline_agents  # noqa: E402
from causal_course.learners.evaluation import evaluate_agent, make_test_sets  # noqa: E402
from causal_course.learners.language_agent import evaluate_language_agent  # noqa: E402
from causal_course.learners.language_model import (  # noqa: E402
    GPTConfig,
    build_language_model,
    count_parameters,
    train_language_model,
)
from causal_course.learners.tokenizer import Tokenizer  # noqa: E402
from causal_course.seeds import stream  # noqa: E402
from causal_course.torch_setup import torch  # noqa: E402
from causal_course.worlds.text_reports import HEADERS, build_corpus  # noqa: E402


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=300.0, help="training time to aim at")
    parser.add_argument("--steps", type=int, default=0, help="training steps (0: from --seconds)")
    parser.add_argument("--documents", type=int, default=200_000, help="corpus size")
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--decimals", type=int, default=1)
    parser.add_argument("--test", type=int, default=1000, help="episodes per test set")
    parser.add_argument("--checkpoint", default=None)
    parser.add_argument("--progress", action="store_true")
    parser.add_argument("--recap", action=argparse.BooleanOptionalAction, default=True,
                        help="reports re-read the target's readings after the goal")
    parser.add_argument("--goals", type=int, default=1, help="goals per report (several decisions from one exploration)")
    parser.add_argument("--context", type=int, default=224)
    parser.add_argument("--number-features", action="store_true", help="number tokens also carry their value")
    parser.add_argument("--eval-every", type=int, default=0, help="greedy held-out reward on 300 episodes every N steps")
    parser.add_argument("--threads", type=int, default=2, help="torch threads for training (1: steps from CPU time; "
                        "more: steps from wall time)")
    parser.add_argument("--cache-dir", default=None, help="keep the token array of each corpus here (built once)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    seed = args.seed
    result = {"args": vars(args)}

    start = time.perf_counter()
    tokenizer = Tokenizer.for_reports(decimals=args.decimals)
    cache = None
    if args.cache_dir:
        key = f"s{seed}_n{args.documents}_d{args.decimals}_r{int(args.recap)}_g{args.goals}_c{args.context}"
        cache = os.path.join(args.cache_dir, f"lm_tokens_{key}.npy")
    if cache and os.path.exists(cache):
        tokens = np.load(cache).astype(np.int64)
    else:
        corpus = build_corpus(stream(seed, "lm_corpus"), args.documents, decimals=args.decimals, recap=args.recap,
                              goals=args.goals)
        tokens = tokenizer.encode_batch(corpus.texts, args.context)
        if cache:
            os.makedirs(args.cache_dir, exist_ok=True)
            np.save(cache, tokens.astype(np.int16))  # a quarter of the size (the vocabulary is small)
    result["corpus_seconds"] = round(time.perf_counter() - start, 1)
    result["document_tokens"] = int((tokens != tokenizer.pad_id).sum(axis=1).max())

    config = GPTConfig(len(tokenizer), args.context, args.layers, args.heads, args.width,
                       number_features=args.number_features)
    values = tokenizer.token_values()
    steps = args.steps
    clock = time.process_time if args.threads == 1 else time.perf_counter
    if not steps:  # time steps of a throw-away copy (1 thread: CPU time, the machine is shared) to fix the steps
        probe = build_language_model(config, seed, values)
        train_language_model(probe, tokens, 10, np.random.default_rng(0), batch_size=args.batch, progress=False,
                             n_threads=args.threads)
        per_step = []
        for _ in range(3):  # the fastest of three windows of 10 steps: a busy moment does not cut the run short
            begin = clock()
            train_language_model(probe, tokens, 10, np.random.default_rng(0), batch_size=args.batch, progress=False,
                                 n_threads=args.threads)
            per_step.append((clock() - begin) / 10)
        steps = int(args.seconds / min(per_step))
        result["probe_seconds_per_step"] = round(min(per_step), 4)
    model = build_language_model(config, seed, values)
    result["parameters"] = count_parameters(model)
    cpu = time.process_time()
    curve_set = make_test_sets(300, stream(seed, "exploration"))["heldout"]

    def curve(model, step, loss):
        scores = evaluate_language_agent(model, tokenizer, curve_set, stream(seed, "lm_actions"), recap=args.recap)
        return {"step": step, "loss": round(loss, 4), "heldout_greedy": round(scores["reward"], 3)}

    history = train_language_model(model, tokens, steps, stream(seed, "lm_batches"), batch_size=args.batch,
                                   learning_rate=args.lr, progress=args.progress, checkpoint=args.checkpoint,
                                   n_threads=args.threads,
                                   metadata={"tokenizer": tokenizer.spec()}, callback=curve if args.eval_every else None,
                                   callback_every=args.eval_every)
    result["steps"] = steps
    result["train_cpu_seconds"] = round(time.process_time() - cpu, 1)  # all threads; includes the curve's evaluations
    result["train_wall_seconds"] = round(history.train_seconds, 1)  # inflated when the machine is busy
    result["documents_seen"] = steps * args.batch
    result["final_loss"] = float(np.mean(history.loss[-50:]))
    result["curve"] = history.checkpoints

    test_sets = make_test_sets(args.test, stream(seed, "test_episodes"))
    agents = baseline_agents(stream(seed, "baselines"))
    for name, test_set in test_sets.items():
        group = {}
        for mode, sample in (("greedy", False), ("sampled", True)):
            cpu = time.process_time()
            scores = evaluate_language_agent(model, tokenizer, test_set, stream(seed, "lm_actions"),
                                             header=HEADERS["experimenter"], sample=sample, seed=seed,
                                             recap=args.recap)
            scores["tokens_per_cpu_second"] = scores["generated_tokens"] / (time.process_time() - cpu)
            group[f"lm_{mode}"] = {key: round(value, 4) for key, value in scores.items()}
        for agent_name in ("correlational", "causal_inference", "regression_5_samples", "memorising"):
            group[agent_name] = round(evaluate_agent(agents[agent_name], test_set, stream(seed, "baseline_actions")), 4)
        result[name] = group
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=1))
