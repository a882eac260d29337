"""Chinese word segmentation with a private, domain-aware jieba tokenizer.

A private `jieba.Tokenizer` (not jieba's global one) keeps our domain words and the county's
place names from leaking into, or being reset by, other code that uses jieba. It is built on
first use, under a lock, because loading the dictionary costs about a second and the web
app may call us from several threads at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
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

    HMM new-word discovery is off by default: it doubles the cost and the character n-gram
    features already cover out-of-vocabulary words. Entity extraction does not use it.
    """
    if not text:
        return []
    return get_tokenizer().lcut(text, HMM=hmm)
