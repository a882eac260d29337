"""Text preparation and the analyzers that turn a prepared text into features.

Normalisation and segmentation are the expensive part of classifying a complaint, so they
run once, in `TextPreparer`, and both feature sets (jieba words, character n-grams) read
the result. Every callable here is a module-level function so fitted pipelines pickle.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from itertools import chain, repeat
from operator import add
from typing import TYPE_CHECKING, Any, NamedTuple

from sklearn.base import BaseEstimator, TransformerMixin

from .normalize import MAX_CHARS, normalize

if TYPE_CHECKING:
    import scipy.sparse as sp
from .segment import cut


class PreparedText(NamedTuple):
    """A normalised complaint and its jieba words."""

    text: str
    words: tuple[str, ...]


# Runs of characters that carry content for character n-grams: CJK ideographs, letters and
# digits. Punctuation and spaces break a run so n-grams never straddle a sentence boundary.
_CONTENT_RUN_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z0-9]+")
_WORD_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z0-9]")


def prepare(text: object, *, max_chars: int = MAX_CHARS, hmm: bool = False) -> PreparedText:
    """Normalise and segment one raw text."""
    clean = normalize(text, max_chars=max_chars)
    return PreparedText(clean, tuple(cut(clean, hmm=hmm)))


def _word_tokens(words: Iterable[str]) -> list[str]:
    """Keep content words; collapse numbers into one token so amounts do not fragment."""
    tokens = []
    for word in words:
        if word.isalnum():  # CJK words, letters, digits: almost every token
            if word.isascii():
                tokens.append("<num>" if word.isdigit() else word.lower())
            else:
                tokens.append(word)
        elif _WORD_RE.search(word):
            tokens.append(word.lower())
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
        # n-grams of a run, built by concatenating shifted copies (C loops, not Python)
        shifted = run
        for n in range(1, max_n + 1):
            if n > len(run):
                break
            if n > 1:
                shifted = list(map(add, shifted, run[n - 1 :]))
            if n >= min_n:
                grams.extend(shifted)
    return grams


def char_1_3(doc: PreparedText) -> list[str]:
    """Character 1- to 3-grams (a named function so the pipeline pickles)."""
    return char_ngrams(doc, 1, 3)


def char_2_4(doc: PreparedText) -> list[str]:
    """Character 2- to 4-grams."""
    return char_ngrams(doc, 2, 4)


# --- the first clause ----------------------------------------------------------------------
# "The primary type is the one the complainant leads with": an optional feature block built
# from the text's first clause only (issue 19; off by default, figures in docs/triage.md).

# Marks that end the first clause (the normaliser keeps Chinese punctuation and newlines).
_CLAUSE_END_RE = re.compile(r"[。！？!?；;\n]")
# Characters kept when a text has no clause mark at all.
FIRST_CLAUSE_CHARS = 40


def first_clause_span(text: str, max_chars: int = FIRST_CLAUSE_CHARS) -> tuple[int, int]:
    """(start, end) of the first clause of a normalised text.

    Leading marks and spaces are skipped (a text may start with "。" or "，"); the clause runs
    to the first of 。！？!?；; or a newline, or `max_chars` characters when no mark follows.
    Empty, or only marks: (len, len).
    """
    first = _WORD_RE.search(text)
    if first is None:
        return len(text), len(text)
    start = first.start()
    end = _CLAUSE_END_RE.search(text, start)
    return start, (end.start() if end else min(len(text), start + max_chars))


def first_clause(text: str, max_chars: int = FIRST_CLAUSE_CHARS) -> str:
    """The first clause of a normalised text (see `first_clause_span`)."""
    start, end = first_clause_span(text, max_chars)
    return text[start:end]


def first_clause_words(doc: PreparedText) -> list[str]:
    """Analyzer: word unigrams and bigrams of the first clause, prefixed "1:" so the block's
    names never coincide with the whole text's. The jieba words of the whole text are cut at
    the clause's end (no second segmentation); a word straddling the end is kept."""
    start, end = first_clause_span(doc.text)
    words, position = [], 0
    for word in doc.words:
        if position >= end:
            break
        if position + len(word) > start:
            words.append(word)
        position += len(word)
    tokens = _word_tokens(words)
    return ["1:" + t for t in tokens] + [f"1:{a} {b}" for a, b in zip(tokens, tokens[1:])]


def first_clause_chars(doc: PreparedText) -> list[str]:
    """Analyzer: character 1- to 3-grams of the first clause, prefixed "1:"."""
    clause = PreparedText(first_clause(doc.text), ())
    return ["1:" + g for g in char_ngrams(clause, 1, 3)]


FIRST_CLAUSE_ANALYZERS = {"words": first_clause_words, "chars": first_clause_chars}


class FirstClauseTfidf(TransformerMixin, BaseEstimator):
    """TF-IDF of a prepared text's first clause only, times `weight`: a separate block beside
    the whole text's, so the model can weigh what the complainant leads with.

    Parameters
    ----------
    analyzer : "words" or "chars"
        Jieba word unigrams+bigrams, or character 1–3-grams, of the first clause.
    weight : float
        Scale of the l2-normalised block (> 0).
    min_df : int
        Fewest training texts an n-gram needs to get a column.
    """

    def __init__(self, analyzer: str = "words", weight: float = 1.0, min_df: int = 1) -> None:
        self.analyzer = analyzer
        self.weight = weight
        self.min_df = min_df

    def _vectorizer(self) -> Any:
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer

        if self.analyzer not in FIRST_CLAUSE_ANALYZERS:
            raise ValueError(f"analyzer must be one of {sorted(FIRST_CLAUSE_ANALYZERS)}, got {self.analyzer!r}.")
        if not self.weight > 0:
            raise ValueError(f"weight must be positive, got {self.weight!r}.")
        return TfidfVectorizer(analyzer=FIRST_CLAUSE_ANALYZERS[self.analyzer], min_df=self.min_df,
                               sublinear_tf=True, dtype=np.float32, lowercase=False)

    def fit(self, X: list[PreparedText], y: object = None) -> "FirstClauseTfidf":
        """Learn the first clauses' vocabulary and idf weights."""
        if isinstance(X, str):
            raise ValueError("Expected a list of prepared texts, got a single string.")
        self.vectorizer_ = self._vectorizer().fit(X)
        self.n_features_out_ = len(self.vectorizer_.vocabulary_)
        return self

    def transform(self, X: list[PreparedText]) -> sp.csr_matrix:
        """The weighted TF-IDF block (rows of texts without a first clause are zero)."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "vectorizer_")
        if isinstance(X, str):
            raise ValueError("Expected a list of prepared texts, got a single string.")
        return self.scale(self.vectorizer_.transform(X))

    def scale(self, matrix: sp.csr_matrix) -> sp.csr_matrix:
        """The block times `weight` (in place; the dtype stays float32)."""
        if self.weight != 1:
            matrix.data *= matrix.dtype.type(self.weight)
        return matrix

    def get_feature_names_out(self, input_features: object = None) -> Any:
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.get_feature_names_out()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags


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


# --- serving fast path ---------------------------------------------------------------------
# TfidfVectorizer.transform and FeatureUnion.transform validate input and dispatch through
# joblib on every call: about a millisecond per complaint, several times the arithmetic. At
# serving time the Triage object computes each analyzer's output once per batch (both
# pipelines use the same analyzers) and applies the fitted vocabulary and idf weights here.
# The result equals the scikit-learn transform (tests compare them); any configuration this
# does not reproduce falls back to the scikit-learn call.

def _fast_path_supported(vectorizer: object) -> bool:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return (
        type(vectorizer) is TfidfVectorizer
        and callable(vectorizer.analyzer)
        and vectorizer.norm == "l2"
        and vectorizer.use_idf
        and not vectorizer.binary
        and hasattr(vectorizer, "vocabulary_")
    )


def count_grams(grams_per_doc: Iterable[list[str]]) -> list[Counter[str]]:
    """Each doc's n-gram counts (Counter counts in C; computed once per analyzer and batch)."""
    return [Counter(grams) for grams in grams_per_doc]


def tfidf_from_counts(vectorizer: Any, counts_per_doc: list[Counter[str]]) -> sp.csr_matrix:
    """What `vectorizer.transform(docs)` returns, given each doc's n-gram counts.

    The vocabulary look-up runs as one `map` over the whole batch rather than a Python loop.
    """
    import numpy as np
    import scipy.sparse as sp

    n_docs = len(counts_per_doc)
    keys = list(chain.from_iterable(counts_per_doc))
    dtype = vectorizer.dtype
    values = np.fromiter(chain.from_iterable(c.values() for c in counts_per_doc), dtype=dtype, count=len(keys))
    columns = np.fromiter(map(vectorizer.vocabulary_.get, keys, repeat(-1)), dtype=np.int64, count=len(keys))
    rows = np.repeat(np.arange(n_docs), [len(c) for c in counts_per_doc])
    known = columns >= 0
    matrix = sp.csr_matrix(
        (values[known], (rows[known], columns[known])), shape=(n_docs, len(vectorizer.vocabulary_)), dtype=dtype
    )
    matrix.sort_indices()
    if vectorizer.sublinear_tf:
        np.log(matrix.data, matrix.data)
        matrix.data += 1.0
    matrix.data *= vectorizer.idf_[matrix.indices].astype(dtype, copy=False)
    # l2-normalise each row (rows without known n-grams stay zero)
    row_of = np.repeat(np.arange(n_docs), np.diff(matrix.indptr))
    norms = np.sqrt(np.bincount(row_of, weights=matrix.data.astype(np.float64) ** 2, minlength=n_docs))
    norms[norms == 0] = 1.0
    matrix.data /= norms[row_of].astype(dtype, copy=False)
    return matrix


def union_transform(union: Any, docs: list[PreparedText], cache: dict[Any, list[Counter[str]]]) -> Any:
    """`union.transform(docs)` for a FeatureUnion of TF-IDF vectorizers, sharing n-gram
    counts through `cache` (keyed by analyzer) across pipelines."""
    import scipy.sparse as sp
    from sklearn.pipeline import FeatureUnion

    if type(union) is not FeatureUnion or union.transformer_weights:
        return union.transform(docs)
    blocks = []
    for _, vectorizer in union.transformer_list:
        if vectorizer == "drop":
            continue
        block = vectorizer
        if type(block) is FirstClauseTfidf:
            vectorizer = getattr(block, "vectorizer_", None)
        if not _fast_path_supported(vectorizer):
            blocks.append(block.transform(docs))
            continue
        counts = cache.get(vectorizer.analyzer)
        if counts is None:
            counts = cache[vectorizer.analyzer] = count_grams(vectorizer.analyzer(doc) for doc in docs)
        matrix = tfidf_from_counts(vectorizer, counts)
        blocks.append(block.scale(matrix) if block is not vectorizer else matrix)
    return sp.hstack(blocks, format="csr")


def same_features(first: Any, second: Any) -> bool:
    """Whether two fitted feature steps produce identical matrices (same vocabularies, idf
    weights and settings), e.g. both targets' pipelines trained on the same texts."""
    import numpy as np
    from sklearn.pipeline import FeatureUnion, Pipeline

    if isinstance(first, Pipeline) and isinstance(second, Pipeline):
        if len(first) != 1 or len(second) != 1:
            return False
        first, second = first[0], second[0]
    if type(first) is not FeatureUnion or type(second) is not FeatureUnion:
        return False
    if first.transformer_weights or second.transformer_weights:
        return False
    if len(first.transformer_list) != len(second.transformer_list):
        return False
    from .definitions import CueCounts

    for (_, a), (_, b) in zip(first.transformer_list, second.transformer_list):
        if (type(a) is CueCounts and type(b) is CueCounts and a.get_params() == b.get_params()
                and getattr(a, "columns_", None) == getattr(b, "columns_", None)):
            continue  # stateless: equal settings and column lists, equal columns
        if type(a) is FirstClauseTfidf or type(b) is FirstClauseTfidf:
            if type(a) is not type(b) or a.get_params() != b.get_params():
                return False
            a, b = getattr(a, "vectorizer_", None), getattr(b, "vectorizer_", None)
        if not (_fast_path_supported(a) and _fast_path_supported(b)):
            return False
        if a.get_params() != b.get_params() or a.vocabulary_ != b.vocabulary_:
            return False
        if not np.array_equal(a.idf_, b.idf_):
            return False
    return True
