"""A word-level, number-aware tokenizer for the text world of lesson 08.

Introduced in lesson 08. A fixed vocabulary keeps the documents short (about 150 tokens for a
report of five steps) and the model small:

* special tokens: ``<pad>`` (fills a batch row after the document), ``<unk>`` (anything not in the
  vocabulary), ``<bos>`` (the start of a document) and ``<eos>`` (its end);
* the words and punctuation marks of the reports (:func:`causal_course.worlds.text_reports.report_words`);
* numbers, written in two pieces so that their values share tokens: the signed integer part
  (``-5``, ``-0``, ``0``, ... from ``-max_integer`` to ``max_integer``) and, if any, the decimals as
  one token (``.1``, ``.25``: up to ``decimals`` digits). ``-5.1`` is ``-5`` then ``.1``; ``0.0`` is
  ``0`` then ``.0``.

Text is split into special tokens, numbers, words (letters) and single other characters; spaces are dropped and
:meth:`Tokenizer.decode` puts them back by one rule (a space between tokens, except before ``,``,
``.``, ``:``, ``;``, ``!``, ``?`` and decimals). So ``decode(encode(text)) == text`` for text in
the reports' own spacing, and unknown pieces come back as ``<unk>``.

>>> tokenizer = Tokenizer.for_reports()
>>> tokenizer.tokens("I set B to 5: A -5.1, B 5.0.")
['I', 'set', 'B', 'to', '5', ':', 'A', '-5', '.1', ',', 'B', '5', '.0', '.']
>>> tokenizer.decode(tokenizer.encode("I set B to 5: A -5.1, zebra 5.0."))
'I set B to 5: A -5.1, <unk> 5.0.'
"""

from __future__ import annotations

import re

import numpy as np

from causal_course.validation import check_integer, invalid
from causal_course.worlds.text_reports import DEFAULT_NAMES, WRITTEN_LIMIT, check_decimals, check_names, report_words

PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<bos>", "<eos>"
SPECIALS = (PAD, UNK, BOS, EOS)
_PIECES = re.compile(r"<(?:pad|unk|bos|eos)>|-?\d+(?:\.\d+)?|[A-Za-z]+|\S")
_NO_SPACE_BEFORE = {",", ".", ":", ";", "!", "?"}


class Tokenizer:
    """Words, punctuation and numbers to integer ids and back (lesson 08).

    ``words``: the vocabulary's words and punctuation; ``max_integer``: the largest integer part of
    a number with a token of its own; ``decimals``: the most decimal places with a token of their own.
    """

    def __init__(self, words, max_integer: int = WRITTEN_LIMIT, decimals: int = 1):
        words = list(dict.fromkeys(words))
        if not words or not all(isinstance(word, str) and word and not word.isspace() for word in words):
            raise invalid("words", "a non-empty list of non-empty strings", repr(words)[:60],
                          "pass for instance report_words(names)")
        self.words = words
        self.max_integer = check_integer(max_integer, "max_integer", 0, 10_000, fix="pass max_integer=59")
        self.decimals = check_decimals(decimals)
        integers = ["-0"] + [str(i) for i in range(-self.max_integer, self.max_integer + 1)]
        fractions = ["." + str(i).zfill(places) for places in range(1, self.decimals + 1) for i in range(10 ** places)]
        clash = [word for word in words if word in SPECIALS or word in integers or word in fractions]
        if clash:
            raise invalid("words", "words that are neither special tokens nor numbers", repr(clash[0]),
                          "leave numbers and <pad>/<unk>/<bos>/<eos> out of the word list")
        self.vocabulary = [*SPECIALS, *words, *integers, *fractions]
        self.index = {token: i for i, token in enumerate(self.vocabulary)}
        self.pad_id, self.unk_id, self.bos_id, self.eos_id = (self.index[token] for token in SPECIALS)

    @classmethod
    def for_reports(cls, names=DEFAULT_NAMES, decimals: int = 1) -> Tokenizer:
        """The tokenizer of the reports with dial ``names`` written to ``decimals`` places (lesson 08)."""
        return cls(report_words(check_names(names)), WRITTEN_LIMIT, decimals)

    def spec(self) -> dict:
        """What rebuilds this tokenizer (:meth:`from_spec`): saved beside a model's weights (lesson 08)."""
        return {"words": list(self.words), "max_integer": self.max_integer, "decimals": self.decimals}

    @classmethod
    def from_spec(cls, spec: dict) -> Tokenizer:
        """The tokenizer described by :meth:`spec` (lesson 08)."""
        return cls(spec["words"], spec["max_integer"], spec["decimals"])

    def token_values(self) -> np.ndarray:
        """Each token's numeric value, 0 for words: ``-5`` is -5, ``.3`` is 0.3 (lesson 08).

        An integer part written ``-0`` is -0 (its decimals carry the size); the model of
        :mod:`causal_course.learners.language_model` can add these to its input (``number_features``).
        """
        values = np.zeros(len(self.vocabulary), dtype=np.float32)
        for i, token in enumerate(self.vocabulary):
            if token.lstrip("-").isdigit():
                values[i] = float(token)
            elif token.startswith(".") and token[1:].isdigit():
                values[i] = float("0" + token)
        return values

    def __len__(self) -> int:
        return len(self.vocabulary)

    @property
    def vocab_size(self) -> int:
        return len(self.vocabulary)

    def tokens(self, text: str) -> list:
        """``text`` as token strings (unknown pieces as ``<unk>``) (lesson 08)."""
        if not isinstance(text, str):
            raise invalid("text", "a string", repr(text)[:60], "pass the document as one str", TypeError)
        out = []
        for piece in _PIECES.findall(text):
            if piece in self.index:
                out.append(piece)
            elif piece[0].isdigit() or (piece[0] == "-" and len(piece) > 1):
                integer, _, fraction = piece.partition(".")
                out.append(integer if integer in self.index else UNK)
                if fraction:
                    out.append("." + fraction if "." + fraction in self.index else UNK)
            else:
                out.append(UNK)
        return out

    def encode(self, text: str, bos: bool = False, eos: bool = False) -> list:
        """``text`` as token ids, with ``<bos>`` in front and ``<eos>`` at the end if asked (lesson 08)."""
        ids = [self.index[token] for token in self.tokens(text)]
        return ([self.bos_id] if bos else []) + ids + ([self.eos_id] if eos else [])

    def decode(self, ids, skip_special: bool = True) -> str:
        """Token ids back to text, spaced by the reports' rule; ``<pad>``/``<bos>``/``<eos>`` dropped unless asked (lesson 08)."""
        ids = np.asarray(ids).ravel()
        if ids.size and (not np.issubdtype(ids.dtype, np.integer) or ids.min() < 0 or ids.max() >= len(self)):
            raise invalid("ids", f"token ids from 0 to {len(self) - 1}", f"{ids.min()} to {ids.max()} ({ids.dtype})",
                          "pass ids made by this tokenizer's encode")
        text = []
        for i in ids.tolist():
            token = self.vocabulary[i]
            if skip_special and token in (PAD, BOS, EOS):
                continue
            attach = token in _NO_SPACE_BEFORE or (token.startswith(".") and len(token) > 1)
            text.append(token if attach or not text else " " + token)
        return "".join(text)

    def encode_batch(self, texts, length: int, bos: bool = True, eos: bool = True) -> np.ndarray:
        """Documents as an ``(n, length)`` int64 array, each padded with ``<pad>`` after its end (lesson 08).

        A document longer than ``length`` tokens is an error (never cut silently).
        """
        length = check_integer(length, "length", 1, fix="pass the model's context length, e.g. length=192")
        out = np.full((len(texts), length), self.pad_id, dtype=np.int64)
        for row, text in enumerate(texts):
            ids = self.encode(text, bos, eos)
            if len(ids) > length:
                raise invalid("length", f"at least the longest document's {len(ids)} tokens", length,
                              f"raise length (document {row} starts {text[:40]!r})")
            out[row, :len(ids)] = ids
        return out
