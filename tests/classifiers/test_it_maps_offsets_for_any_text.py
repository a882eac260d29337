from hypothesis import given, settings
from hypothesis import strategies as st

from classifiers.normalize import normalize, normalize_with_offsets

PIECES = st.sampled_from(
    ["嗯", "那个", "就是说", "，", "。", "。。", " ", "\t", "\r\n", "\n\n", "\u3000", "村支書", "低保", "１２",
     "ａ", "x", "😀", "e\u0301", "！", "乾隆", "瞭解", "就是", "啊", "、"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join))
def test_it_replays_normalisation_with_offsets(raw):
    text, offsets = normalize_with_offsets(raw)
    assert text == normalize(raw)
    assert len(offsets) == len(text)
    assert all(0 <= o < len(raw) for o in offsets)
    assert offsets == sorted(offsets)
