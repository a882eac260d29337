"""Text preparation and the analyzers that turn a prepared text into features.

Normalisation and segmentation are the expensive part of classifying a complaint, so they
run once, in `TextPreparer`, and both feature sets (jieba words, character n-grams) read
the result. Every callable here is a module-level function so fitted pipelines pickle.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from sklearn.base import BaseEstimator, TransformerMixin

from .normalize import MAX_CHARS, normalize
from .segment import cut


class PreparedText(NamedTuple):
    """A normalised complaint and its jieba words."""

    text: str
    words: tuple[str, ...]


# Runs of characters that carry content for character n-grams: CJK ideographs, letters and
# digits. Punctuation and spaces break a run so n-grams never straddle a sentence boundary.
_CONTENT_RUN_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z0-9]+")
_DIGITS_RE = re.compile(r"^[0-9.,]+$")
_WORD_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z0-9]")


def prepare(text: object, *, max_chars: int = MAX_CHARS, hmm: bool = False) -> PreparedText:
    """Normalise and segment one raw text."""
    clean = normalize(text, max_chars=max_chars)
    return PreparedText(clean, tuple(cut(clean, hmm=hmm)))


def _word_tokens(words: Iterable[str]) -> list[str]:
    """Keep content words; collapse numbers into one token so amounts do not fragment."""
    tokens = []
    for word in words:
        if not _WORD_RE.search(word):
            continue
        tokens.append("<num>" if _DIGITS_RE.match(word) else word.lower())
    return tokens


def word_ngrams(doc: PreparedText) -> list[str]:
    """Analyzer for the word features: jieba unigrams and adjacent word bigrams."""
    tokens = _word_tokens(doc.words)
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


def char_ngrams(doc: PreparedText, min_n: int = 1, max_n: int = 3) -> list[str]:
    """Analyzer for the character features: n-grams inside runs of content characters.

    Character n-grams keep working on what jieba splits badly: typos (底保 for 低保),
    SMS abbreviations and names the dictionary has never seen.
    """
    grams: list[str] = []
    for run in _CONTENT_RUN_RE.findall(doc.text.lower()):
        length = len(run)
        for n in range(min_n, max_n + 1):
            if n > length:
                break
            grams.extend(run[i : i + n] for i in range(length - n + 1))
    return grams


def char_1_3(doc: PreparedText) -> list[str]:
    """Character 1- to 3-grams (a named function so the pipeline pickles)."""
    return char_ngrams(doc, 1, 3)


def char_2_4(doc: PreparedText) -> list[str]:
    """Character 2- to 4-grams."""
    return char_ngrams(doc, 2, 4)


class TextPreparer(TransformerMixin, BaseEstimator):
    """Stateless first pipeline step: raw strings in, `PreparedText` out.

    Parameters
    ----------
    max_chars : int
        Characters kept after normalisation; longer input is cut (hostile input).
    hmm : bool
        Whether jieba's HMM discovers unknown words (slower, rarely helps the features).
    """

    def __init__(self, max_chars: int = MAX_CHARS, hmm: bool = False) -> None:
        self.max_chars = max_chars
        self.hmm = hmm

    def fit(self, X: Iterable[object], y: object = None) -> "TextPreparer":
        """Nothing to learn; present so the step fits in a Pipeline."""
        return self

    def transform(self, X: Iterable[object]) -> list[PreparedText]:
        """Prepare every text; `None` and non-strings are treated as text, never an error."""
        if isinstance(X, str):
            raise ValueError("Expected a list of texts, got a single string.")
        return [prepare(x, max_chars=self.max_chars, hmm=self.hmm) for x in X]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags
