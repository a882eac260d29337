"""Text normalisation applied before classification and entity extraction.

Callers dictate, type on phones and write letters: the same word arrives in full-width
digits, in traditional characters, padded with speech fillers. Normalising first keeps the
features (and the entity spans the app highlights) consistent. Every function here accepts
any string, including empty, emoji-only and very long input, and never raises.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from pathlib import Path

# Hostile or accidental input (a pasted spreadsheet, a 50,000-character letter) must not
# make classification slow; the first 20,000 characters carry the complaint.
MAX_CHARS = 20_000

# Speech-transcript fillers that carry no meaning. Longer fillers first so "就是说" is not
# left as "说". Single-character interjections are only removed when they stand alone
# between punctuation or repeat, because 嗯/啊 also occur inside words (e.g. 啊 rarely,
# but 那个 is a real determiner: "那个村" must stay), so multi-character fillers are only
# removed when followed by a pause mark or another filler.
_FILLER_WORDS = ("就是说", "然后呢", "怎么说呢", "这个这个", "那个那个", "你知道吧", "对吧")
_FILLER_RE = re.compile(
    r"(?:" + "|".join(map(re.escape, _FILLER_WORDS)) + r")[,，、.。…\s]*"
    r"|(?:(?<=^)|(?<=[,，、.。…!！?？\s]))(?:嗯+|呃+|额+|啊+|哦+|那个|这个|就是)[,，、.。…\s]+"
)
_SPACE_RE = re.compile(r"[ \t\u3000\xa0]+")
_BLANK_LINES_RE = re.compile(r"\n\s*\n+")
_REPEAT_PUNCT_RE = re.compile(r"([,，。.!！?？、~～…])\1+")

_CHINESE_PUNCTUATION = frozenset("，！？：；（）")
_HALFWIDTH_TABLE = {0x3000: " "} | {
    code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F) if chr(code) not in _CHINESE_PUNCTUATION
}
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")

_t2s_lock = threading.Lock()
_t2s_converter = None
_traditional_chars: frozenset[str] | None = None
_phrase_only_chars: dict[str, tuple[str, ...]] | None = None


def _opencc_dictionary_dir() -> Path:
    import opencc

    return Path(opencc.__file__).parent / "dictionary"


_CLAUSE_MARKS = "，。！？；：、,.!?;:\n"
# Splits a text at its clause marks, keeping them (a capture group).
_CLAUSES = re.compile("([" + re.escape(_CLAUSE_MARKS) + "]+)")
# Whether no key of the t2s dictionaries holds a clause mark (read with them): only then does a
# clause convert exactly as it does inside the whole text.
_clause_safe = False


def _load_traditional_chars() -> tuple[frozenset[str], dict[str, tuple[str, ...]], bool]:
    """Characters whose presence means a t2s conversion could change the text.

    opencc-python-reimplemented is pure Python and costs about as much as jieba itself;
    most complaints are already simplified, so we skip it unless it could change something:
    a character the character table maps to another, or a phrase of the phrase table that
    changes. A few characters change only inside phrases (么 in 么麼, 沈, 覆 …; 什么 and 怎么
    are everyday simplified words): for those, the phrase itself must be in the text.
    Returns (characters that always change, character → the phrases in which it changes,
    whether no dictionary key holds a clause mark).
    """
    folder = _opencc_dictionary_dir()
    marks = frozenset(_CLAUSE_MARKS)
    clause_safe = True

    def pairs(name: str):
        nonlocal clause_safe
        with open(folder / name, encoding="utf-8") as handle:
            for line in handle:
                key, _, values = line.rstrip("\n").partition("\t")
                clause_safe = clause_safe and marks.isdisjoint(key)  # every key counts, changing or not
                value = values.split(" ")[0] if values else key
                if key != value:
                    yield key, value

    chars = {key for key, _ in pairs("TSCharacters.txt")}
    in_phrases: dict[str, set[str]] = {}
    for key, value in pairs("TSPhrases.txt"):
        if len(key) != len(value):  # no such entry today; treat every character as changing
            chars.update(key)
            continue
        for k, v in zip(key, value):
            if k != v and k not in chars:
                in_phrases.setdefault(k, set()).add(key)
    return (frozenset(chars), {k: tuple(sorted(v)) for k, v in in_phrases.items() if k not in chars},
            clause_safe)


def _converter():
    global _t2s_converter, _traditional_chars, _phrase_only_chars, _clause_safe
    if _t2s_converter is None:
        with _t2s_lock:
            if _t2s_converter is None:
                import opencc

                _traditional_chars, _phrase_only_chars, _clause_safe = _load_traditional_chars()
                _t2s_converter = opencc.OpenCC("t2s")
    return _t2s_converter


def _may_change(text: str) -> bool:
    assert _traditional_chars is not None and _phrase_only_chars is not None
    return not _traditional_chars.isdisjoint(text) or any(
        phrase in text for char in _phrase_only_chars.keys() & set(text) for phrase in _phrase_only_chars[char])


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified ones (opencc 't2s').

    Clause by clause, and only the clauses that could change: no key of the t2s dictionaries holds
    a clause mark (checked when they load: `_clause_safe`, else texts convert whole), so opencc's longest
    match never crosses one and each clause converts exactly as it does inside the whole text,
    while a complaint with one traditional word no longer pays for converting all of it.
    """
    converter = _converter()
    if not _may_change(text):
        return text
    return _converted(converter, text)


@functools.lru_cache(maxsize=64)
def _converted(converter, text: str) -> str:
    """Cached: a text that changes is converted again for its entity spans (normalize_with_offsets)."""
    if not _clause_safe:
        return converter.convert(text)
    return "".join(converter.convert(part) if part and _may_change(part) else part
                   for part in _CLAUSES.split(text))


def to_halfwidth(text: str) -> str:
    """Map full-width letters, digits and symbols (ＡＢＣ１２３．－) to half-width.

    The everyday Chinese punctuation ，！？：；（） sits in the same Unicode block but is
    kept, since the app shows the normalised text to inspectors.
    """
    if text.isascii():
        return text
    return text.translate(_HALFWIDTH_TABLE)


def remove_fillers(text: str) -> str:
    """Drop speech fillers (嗯, 那个, 就是说 ...) that transcripts are full of."""
    previous = None
    # Fillers come in runs ("嗯，那个，就是说"); a couple of passes clears a run.
    for _ in range(3):
        if previous == text:
            break
        previous = text
        text = _FILLER_RE.sub("", text)
    return text


def clean_whitespace(text: str) -> str:
    """Collapse runs of spaces and blank lines and repeated punctuation."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACE_RE.sub(" ", text)
    text = _BLANK_LINES_RE.sub("\n", text)
    text = _REPEAT_PUNCT_RE.sub(r"\1", text)
    return text.strip()


def normalize(text: object, *, max_chars: int = MAX_CHARS, fillers: bool = True) -> str:
    """Return the normalised form of `text` used for classification and extraction.

    Non-string input (None, numbers) becomes a string rather than an error, because the
    intake path must never fail on what an operator pasted.
    """
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    text = text[: max_chars * 2]  # cut before the work; fillers may shrink the text
    text = unicodedata.normalize("NFC", text)
    text = to_halfwidth(text)
    text = to_simplified(text)
    text = clean_whitespace(text)
    if fillers:
        text = remove_fillers(text)
        text = clean_whitespace(text)
    return text[:max_chars]


def count_cjk(text: str) -> int:
    """Number of CJK ideographs, used to judge whether a text can be classified at all."""
    return len(_CJK_RE.findall(text))


# --- offsets back into the raw text ----------------------------------------------------------
# Entity spans index the normalised text. The app stores and shows what the caller said, so
# it needs each span in the raw text too. Normalisation only maps characters one to one
# (half-width, most t2s conversions) or deletes/collapses them (whitespace, fillers), so the
# same steps are replayed here while carrying, for each character, its raw index.

_CRLF_RE = re.compile(r"\r\n?")


def _replay_sub(
    pattern: re.Pattern[str], replacement: str | None, text: str, offsets: list[int]
) -> tuple[str, list[int]]:
    """`pattern.sub` that also maps offsets. `replacement` None keeps a match's first char."""
    pieces: list[str] = []
    mapped: list[int] = []
    cursor = 0
    for match in pattern.finditer(text):
        start, end = match.span()
        pieces.append(text[cursor:start])
        mapped.extend(offsets[cursor:start])
        kept = text[start] if replacement is None else replacement
        pieces.append(kept)
        mapped.extend([offsets[start]] * len(kept))
        cursor = end
    pieces.append(text[cursor:])
    mapped.extend(offsets[cursor:])
    return "".join(pieces), mapped


def _realign(old: str, new: str, offsets: list[int]) -> list[int]:
    """Offsets for `new` when a step changed lengths (rare: NFC, a few t2s phrases)."""
    import difflib

    mapped: list[int] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for _, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(j2 - j1):
            source = min(i1 + k, i2 - 1) if i2 > i1 else min(i1, len(old) - 1)
            mapped.append(offsets[source] if offsets else 0)
    return mapped


def _replay_clean_whitespace(text: str, offsets: list[int]) -> tuple[str, list[int]]:
    text, offsets = _replay_sub(_CRLF_RE, "\n", text, offsets)
    text, offsets = _replay_sub(_SPACE_RE, " ", text, offsets)
    text, offsets = _replay_sub(_BLANK_LINES_RE, "\n", text, offsets)
    text, offsets = _replay_sub(_REPEAT_PUNCT_RE, None, text, offsets)
    lead = len(text) - len(text.lstrip())
    stripped = text.strip()
    return stripped, offsets[lead : lead + len(stripped)]


def normalize_with_offsets(
    text: object, *, max_chars: int = MAX_CHARS, fillers: bool = True
) -> tuple[str, list[int]]:
    """`normalize(text)` and, for each of its characters, the index it came from in `text`."""
    if text is None:
        return "", []
    if not isinstance(text, str):
        text = str(text)
    text = text[: max_chars * 2]
    offsets = list(range(len(text)))
    composed = unicodedata.normalize("NFC", text)
    if composed != text:
        offsets = _realign(text, composed, offsets) if len(composed) != len(text) else offsets
        text = composed
    text = to_halfwidth(text)  # one to one
    simplified = to_simplified(text)
    if len(simplified) != len(text):
        offsets = _realign(text, simplified, offsets)
    text = simplified
    text, offsets = _replay_clean_whitespace(text, offsets)
    if fillers:
        previous = None
        for _ in range(3):
            if previous == text:
                break
            previous = text
            text, offsets = _replay_sub(_FILLER_RE, "", text, offsets)
        text, offsets = _replay_clean_whitespace(text, offsets)
    return text[:max_chars], offsets[:max_chars]


def raw_span(offsets: list[int], start: int, end: int) -> tuple[int, int]:
    """The raw-text span of the normalised span [start, end)."""
    if end <= start or not offsets:
        position = offsets[start] if offsets and start < len(offsets) else 0
        return position, position
    return offsets[start], offsets[end - 1] + 1
