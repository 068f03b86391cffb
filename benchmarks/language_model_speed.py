"""Lesson 08: how fast the tiny GPT trains, by width, depth, batch and number of threads.

Usage (from the course folder):

    .venv/bin/python benchmarks/language_model_speed.py

Times 15 training steps (after 5 of warm-up) of freshly built models on a small corpus of recap
reports (``causal_course.worlds.text_reports.build_corpus(..., recap=True)``, 3,000 documents of
at most 184 tokens) and prints, per design, the wall and CPU milliseconds per step and the documents
read per wall second. Figures, not a test; they depend on the machine and on what else runs on it
(the figures in ``benchmarks/language_model_feasibility.py`` were measured with it).
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from causal_course.learners.language_model import GPTConfig, build_language_model, train_language_model  # noqa: E402
from causal_course.learners.tokenizer import Tokenizer  # noqa: E402
from causal_course.seeds import stream  # noqa: E402
from causal_course.worlds.text_reports import build_corpus  # noqa: E402


def main() -> None:
    tokenizer = Tokenizer.for_reports()
    corpus = build_corpus(stream(0, "lm_corpus"), 3000, recap=True)
    tokens = tokenizer.encode_batch(corpus.texts, 224)
    for width, layers in ((64, 2), (96, 2), (128, 2), (64, 3)):
        for threads in (1, 2):
            for batch in (32, 64, 128):
                config = GPTConfig(len(tokenizer), 224, layers, 4, width)
                model = build_language_model(config, 0)
                train_language_model(model, tokens, 5, stream(0, "lm_batches"), batch_size=batch, progress=False,
                                     n_threads=threads)
                wall, cpu = time.perf_counter(), time.process_time()
                train_language_model(model, tokens, 15, stream(0, "lm_batches"), batch_size=batch, progress=False,
                                     n_threads=threads)
                wall, cpu = (time.perf_counter() - wall) / 15, (time.process_time() - cpu) / 15
                print(f"width {width} layers {layers} threads {threads} batch {batch}: {wall * 1000:.0f} ms wall, "
                      f"{cpu * 1000:.0f} ms CPU per step, {batch / wall:.0f} documents per wall second", flush=True)


if __name__ == "__main__":
    main()
