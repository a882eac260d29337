"""Chinese word segmentation with a private, domain-aware jieba tokenizer.

A private `jieba.Tokenizer` (not jieba's global one) keeps our domain words and the county's
place names from leaking into, or being reset by, other code that uses jieba. It is built on
first use, under a lock, because loading the dictionary costs about a second and the web
app may call us from several threads at once.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from math import log
from pathlib import Path

import jieba

USER_DICT = Path(__file__).with_name("data") / "userdict.txt"

# jieba logs "Building prefix dict..." at INFO level on every initialisation.
jieba.setLogLevel(logging.WARNING)
logging.getLogger("jieba").setLevel(logging.WARNING)

_lock = threading.RLock()
_tokenizer: jieba.Tokenizer | None = None
_extra_words: set[str] = set()


def get_tokenizer() -> jieba.Tokenizer:
    """Return the shared private tokenizer, building it on first use."""
    global _tokenizer
    tokenizer = _tokenizer
    if tokenizer is not None:
        return tokenizer
    with _lock:
        if _tokenizer is None:
            fresh = jieba.Tokenizer()
            fresh.initialize()
            fresh.load_userdict(str(USER_DICT))
            for word in _extra_words:
                fresh.add_word(word, freq=None)
            _tokenizer = fresh
        return _tokenizer


def add_words(words: Iterable[str], *, freq: int | None = 20_000, tag: str = "ns") -> int:
    """Add words (the county's townships and villages) so they stay whole when segmented.

    The app calls this at start-up with the division names from its database. A high
    frequency makes jieba prefer the whole name over splitting it. Returns how many words
    were new. Words are remembered, so a tokenizer built later includes them too.
    """
    added = 0
    with _lock:
        for word in words:
            word = (word or "").strip()
            if len(word) < 2 or word in _extra_words:
                continue
            _extra_words.add(word)
            if _tokenizer is not None:
                _tokenizer.add_word(word, freq=freq, tag=tag)
            added += 1
    return added


def cut(text: str, *, hmm: bool = False) -> list[str]:
    """Segment `text` into words.

    HMM new-word discovery is off by default: it costs half again as much and the
    character n-gram features already cover out-of-vocabulary words. Without HMM we run
    `dag_cut`, which gives exactly jieba's words (tests compare them) in about 60% of
    jieba's time.
    """
    if not text:
        return []
    tokenizer = get_tokenizer()
    if hmm:
        return tokenizer.lcut(text, HMM=True)
    return dag_cut(tokenizer, text)


# jieba's own patterns (jieba.re_han_default, re_skip_default, re_eng), so blocks split alike.
_HAN_RE = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)", re.U)
_SKIP_RE = re.compile(r"(\r\n|\s)", re.U)
_ENG_RE = re.compile(r"[a-zA-Z0-9]", re.U)


def dag_cut(tokenizer: jieba.Tokenizer, text: str) -> list[str]:
    """jieba's `lcut(text, HMM=False)` with the word graph and the best path computed in one
    backward pass over local variables (jieba builds a dict DAG, then a route of tuples,
    then a generator). Same dictionary, same scores, same tie-breaking."""
    words: list[str] = []
    freq = tokenizer.FREQ
    log_total = log(tokenizer.total)
    for block in _HAN_RE.split(text):
        if not block:
            continue
        if _HAN_RE.match(block):
            _cut_block(block, freq, log_total, words)
            continue
        for piece in _SKIP_RE.split(block):
            if _SKIP_RE.match(piece):
                words.append(piece)
            else:
                words.extend(piece)
    return words


def _cut_block(sentence: str, freq: dict[str, int], log_total: float, words: list[str]) -> None:
    """Maximum-probability segmentation of one block (jieba's get_DAG + calc + cut)."""
    n = len(sentence)
    score = [0.0] * (n + 1)
    end = [0] * (n + 1)
    lookup = freq.get
    for start in range(n - 1, -1, -1):
        best: float | None = None
        best_end = start
        stop = start
        fragment = sentence[start]
        # Every prefix of a dictionary word is in FREQ (with 0 if it is not a word itself).
        while stop < n:
            count = lookup(fragment)
            if count is None:
                break
            stop += 1
            if count:
                candidate = log(count) - log_total + score[stop]
                if best is None or candidate >= best:  # ties go to the longer word, as jieba
                    best, best_end = candidate, stop - 1
            fragment = sentence[start : stop + 1]
        if best is None:
            best = log(lookup(sentence[start]) or 1) - log_total + score[start + 1]
        score[start] = best
        end[start] = best_end
    position, buffer = 0, ""
    while position < n:
        after = end[position] + 1
        word = sentence[position:after]
        if after - position == 1 and _ENG_RE.match(word):
            buffer += word  # jieba glues runs of single letters/digits together
        else:
            if buffer:
                words.append(buffer)
                buffer = ""
            words.append(word)
        position = after
    if buffer:
        words.append(buffer)
