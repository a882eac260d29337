from classifiers.normalize import MAX_CHARS, count_cjk, normalize


def test_it_maps_fullwidth_letters_and_digits_to_halfwidth():
    assert normalize("电话１３８１２３４５６７８，ＡＢＣ") == "电话13812345678，ABC"


def test_it_keeps_chinese_punctuation():
    assert normalize("他说：“低保（去年）被扣了！”") == "他说：“低保（去年）被扣了！”"


def test_it_converts_traditional_to_simplified():
    assert normalize("村支書優親厚友，把低保給了親戚") == "村支书优亲厚友，把低保给了亲戚"


def test_it_converts_mixed_traditional_and_simplified():
    assert normalize("危房改造補助被村干部截留") == "危房改造补助被村干部截留"


def test_it_removes_speech_fillers_but_keeps_the_determiner():
    text = "嗯，那个，就是说我们村的那个村支书，嗯嗯，他把低保给了亲戚"
    assert normalize(text) == "我们村的那个村支书，他把低保给了亲戚"


def test_it_collapses_whitespace_and_repeated_punctuation():
    assert normalize("  低保   问题。。。\r\n\r\n\r\n还有！！") == "低保 问题。\n还有！"


def test_it_never_fails_on_odd_input():
    for value in ("", None, 123, "😀😀😀", "!!!???", "The village head took it", "\x00\x01"):
        assert isinstance(normalize(value), str)


def test_it_caps_hostile_length():
    assert len(normalize("低保" * 25_000)) == MAX_CHARS


def test_it_counts_chinese_characters():
    assert count_cjk("低保abc😀") == 2


def test_it_converts_exactly_what_opencc_would_and_skips_the_rest():
    import opencc

    from classifiers.normalize import to_simplified

    t2s = opencc.OpenCC("t2s")
    # 么 and 沈 change only inside phrases (么麼, 沈沒): everyday 什么 and a surname stay as they are
    for text in ("你们管什么嘛，怎么不查", "沈某是村会计", "他沈沒了", "么麼小事", "一目瞭然", "憑藉關係", "村幹部冒領"):
        assert to_simplified(text) == t2s.convert(text), text
    assert to_simplified("你们管什么嘛") == "你们管什么嘛"


def test_it_converts_clause_by_clause_exactly_as_the_whole_text():
    """Only the clauses that could change are converted; the result is opencc's on the whole."""
    import opencc

    from classifiers import normalize

    t2s, s2t = opencc.OpenCC("t2s"), opencc.OpenCC("s2t")
    normalize.to_simplified("")  # loads the dictionaries
    assert normalize._clause_safe  # no t2s dictionary key holds a clause mark
    plain = "石桥镇红旗村村支书王某把低保名额给了自己侄子，侄子家有小车和门面；请查一查！"
    clauses = plain.split("，")
    for k in range(len(clauses)):
        mixed = "，".join(s2t.convert(c) if i == k else c for i, c in enumerate(clauses))
        assert normalize.to_simplified(mixed) == t2s.convert(mixed)
    whole = s2t.convert(plain)
    assert normalize.to_simplified(whole) == t2s.convert(whole) == plain
