"""Places: the county's known divisions (passed in by the app) and, for places it does not
know, names of 2-4 characters before a division suffix (某某村, 某某镇, 三组)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from .entity import Division, Entity
from .normalize import normalize

_LEVEL_BY_SUFFIX = (
    ("街道", "township"),
    ("社区", "village"),
    ("乡", "township"),
    ("镇", "township"),
    ("村", "village"),
    ("屯", "village"),
    ("寨", "village"),
    ("组", "group"),
    ("县", "county"),
    ("区", "county"),
    ("市", "city"),
)


def _level_of(name: str) -> str | None:
    for suffix, level in _LEVEL_BY_SUFFIX:
        if name.endswith(suffix):
            return level
    return None


class DivisionIndex:
    """Compiled matcher for the county's known division names (build once, reuse)."""

    def __init__(self, divisions: Iterable[str | Division]) -> None:
        self.by_name: dict[str, Division] = {}
        for item in divisions:
            division = item if isinstance(item, Division) else Division(str(item))
            name = normalize(division.name, fillers=False)
            if len(name) >= 2:
                level = division.level or _level_of(name)
                self.by_name[name] = Division(name, level, division.ref)
        names = sorted(self.by_name, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, names))) if names else None

    def find(self, text: str) -> list[Entity]:
        """Known divisions in `text`, longest name first at each position."""
        if self.pattern is None:
            return []
        found = []
        for match in self.pattern.finditer(text):
            division = self.by_name[match.group()]
            attrs = {"level": division.level, "known": True, "ref": division.ref}
            found.append(Entity("place", match.group(), match.start(), match.end(), division.name, attrs))
        return found


@functools.lru_cache(maxsize=8)
def _index_for(names: tuple[str | Division, ...]) -> DivisionIndex:
    return DivisionIndex(names)


def as_division_index(divisions: DivisionIndex | Iterable[str | Division] | None) -> DivisionIndex:
    """Accept a prepared index or any iterable of names (cached by content)."""
    if isinstance(divisions, DivisionIndex):
        return divisions
    return _index_for(tuple(divisions or ()))


# Places the app does not know: a short name (2-4 characters) ending in a division suffix.
# Counties are left to the known-division list: "感谢县纪委" shows why.
_PLACE_SUFFIX_RE = re.compile(r"街道|社区|[乡镇村屯寨]")
_PLACE_STOP = set(
    "的地得我你他她它们在是了和与及跟到从去把被给向对这那该本全各每个同邻隔壁外里内有没无就都也还又"
    "说讲叫住于自映报告举问找称属位整个附近两一副，。、；：！？,.;:!?（）() \n\"'“”‘’《》0123456789"
    "乡镇村县市区省组"
)
_PLACE_BAD_NAMES = {"农村", "乡村", "城乡", "新农村", "贫困村", "行政村", "自然村", "乡镇", "城镇", "村村"}
_GROUP_RE = re.compile(r"(?<![\u4e00-\u9fff])?([一二三四五六七八九十]{1,3}|\d{1,2})(?:组|社)(?!长|织|成|建|员|合)")


# Words that never end a place name ("事后村支书", "道路由村里", "导致相关乡镇"): jieba's
# dictionary tags them as adverbs, prepositions, conjunctions, particles, pronouns, time
# words, verbs ... Loaded on first use from jieba's own dict.txt (about 17,000 short words).
_FUNCTION_TAGS = frozenset("d p c u ug uj ul uv uz r t v vn vd ad a an m q y e o l i".split())
# Single characters are judged by a short list instead: 东/西/南/北/上/下 end many names.
_FUNCTION_CHARS = frozenset("的地得了着过和与及或但而由从在于向对把被给将让后里内外间某该本每各其这那哪谁都也又就才还再")
_function_words: frozenset[str] | None = None


def load_function_words() -> frozenset[str]:
    """jieba's function words, loaded once (triage warms them as it starts)."""
    global _function_words
    if _function_words is None:
        import jieba

        words = set()
        path = Path(jieba.__file__).with_name("dict.txt")
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                parts = line.split()
                if len(parts) == 3 and 2 <= len(parts[0]) <= 3 and parts[2] in _FUNCTION_TAGS:
                    words.add(parts[0])
        _function_words = frozenset(words)
    return _function_words


def _ends_like_a_word(name: str) -> bool:
    """Whether the place-name candidate ends in a function word, so it is not a name."""
    if name[-1] in _FUNCTION_CHARS:
        return True
    function_words = load_function_words()
    return name[-2:] in function_words or name[-3:] in function_words


def _unknown_places(text: str, words: Sequence[str] | None) -> list[Entity]:
    found = []
    boundaries: set[int] | None = None  # jieba word starts, computed only if needed
    for match in _PLACE_SUFFIX_RE.finditer(text):
        suffix_start, end = match.start(), match.end()
        start = suffix_start
        while start > 0 and suffix_start - start < 4 and text[start - 1] not in _PLACE_STOP:
            start -= 1
        if suffix_start - start > 2 and boundaries is None:
            boundaries = _word_boundaries(text, words)
        if suffix_start - start > 2 and start not in boundaries:
            # Prefer a start on a word boundary ("反映石桥镇" → 石桥镇), keeping ≥ 2 chars.
            for candidate in range(start + 1, suffix_start - 1):
                if candidate in boundaries:
                    start = candidate
                    break
        name = text[start:end]
        if suffix_start - start < 2 and not (suffix_start - start == 1 and match.group() in "乡镇"):
            continue
        if suffix_start - start < 1 or name in _PLACE_BAD_NAMES:
            continue
        if _ends_like_a_word(text[start:suffix_start]):
            continue
        if match.group() == "村" and text[end : end + 1] in ("民", "里", "委", "部", "干", "级"):
            # 某某村民 / 村里 / 村委会: the character is not a place suffix here
            if text[end : end + 1] in ("民", "里", "级"):
                continue
        found.append(
            Entity("place", name, start, end, name, {"level": _level_of(name), "known": False, "ref": None})
        )
    for match in _GROUP_RE.finditer(text):
        if match.start() > 0 and text[match.start() - 1] in "第":
            continue
        found.append(
            Entity("place", match.group(), match.start(), match.end(), match.group(),
                   {"level": "group", "known": False, "ref": None})
        )
    return found


def _word_boundaries(text: str, words: Sequence[str] | None) -> set[int]:
    from .segment import cut

    boundaries, position = {0}, 0
    for word in words if words is not None else cut(text):
        position += len(word)
        boundaries.add(position)
    return boundaries


def find_places(text: str, index: DivisionIndex, words: Sequence[str] | None = None) -> list[Entity]:
    """Known divisions first, then pattern-based places (overlaps are resolved later)."""
    return index.find(text) + _unknown_places(text, words)
