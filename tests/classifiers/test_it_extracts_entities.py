import pytest

from classifiers.normalize import normalize

from classifiers.extract import Division, DivisionIndex, extract_entities, summarize_accused_level


def kinds(text, kind, divisions=None):
    return [e for e in extract_entities(text, divisions) if e.kind == kind]


def test_it_finds_people_with_titles_and_masked_names():
    people = kinds("村支书王某把钱拿了，会计刘某某也知道，张某说不清", "person")
    assert [(p.value, p.attrs["title"]) for p in people] == [("王某", "村支书"), ("刘某某", "会计"), ("张某", None)]
    assert people[0].attrs["level"] == "village_cadre"


def test_it_finds_full_names_after_a_title_without_the_next_word():
    (person,) = kinds("村主任李德福把低保给了他弟弟", "person")
    assert person.value == "李德福"
    assert person.text == "村主任李德福"


def test_it_finds_surname_plus_title():
    (person,) = kinds("王书记说名额满了", "person")
    assert person.value == "王" and person.attrs["title"] == "书记"


def test_it_matches_known_divisions_and_patterns_for_unknown_ones():
    index = DivisionIndex([Division("柳河乡", ref=7), "下湾村"])
    places = kinds("我是柳河乡下湾村五组的，隔壁石桥镇红旗村也这样", "place", index)
    by_name = {p.value: p.attrs for p in places}
    assert by_name["柳河乡"] == {"level": "township", "known": True, "ref": 7}
    assert by_name["下湾村"]["known"] is True
    assert by_name["五组"]["level"] == "group"
    assert by_name["石桥镇"]["known"] is False
    assert by_name["红旗村"]["level"] == "village"


def test_it_does_not_take_our_village_for_a_place_name():
    assert kinds("我们村的村支书不管事，本村的人都知道", "place") == []


def test_it_finds_the_accused_level():
    levels = {e.value for e in kinds("村支书、镇长、县民政局的人和学校老师都有份", "accused_level")}
    assert levels == {"village_cadre", "township_cadre", "county_department", "teacher_school"}
    assert summarize_accused_level(extract_entities("村会计刘某和镇政府的人")) == "village_cadre"


@pytest.mark.parametrize(
    "text, yuan, approximate",
    [
        ("补助被扣了2.5万", 25_000, False),
        ("他收了三千五", 3_500, False),
        ("交了1,200元", 1_200, False),
        ("收据上写着叁仟元", 3_000, False),
        ("每户拿了三百多", 300, True),
        ("一共两万多块钱", 20_000, True),
        ("罚了十几万", 100_000, True),
        ("退了5000元", 5_000, False),
    ],
)
def test_it_reads_amounts_in_yuan(text, yuan, approximate):
    (amount,) = kinds(text, "amount")
    assert amount.value == yuan
    assert amount.attrs["approximate"] is approximate


def test_it_does_not_read_land_or_households_as_money():
    assert kinds("村里有三千五百亩地，五十户人家，2023年", "amount") == []


def test_it_validates_id_numbers_in_text():
    ids = kinds("身份证11010519491231002x，另一个110105194912310021", "id_number")
    assert [(e.value, e.attrs["valid"]) for e in ids] == [("11010519491231002X", True), ("110105194912310021", False)]
    assert ids[1].attrs["error"].startswith("校验码错误")


def test_it_finds_mobile_and_landline_numbers():
    phones = kinds("手机138 1234 5678，座机0731-84512345，还有+86 13900001111", "phone")
    assert [(p.value, p.attrs["type"]) for p in phones] == [
        ("13812345678", "mobile"), ("073184512345", "landline"), ("13900001111", "mobile")
    ]


def test_it_finds_programme_names():
    programs = kinds("雨露计划、危房改造和低保都有问题，公益岗位也是", "program")
    assert [p.value for p in programs] == ["education", "housing", "dibao", "employment"]


def test_it_finds_dates():
    dates = kinds("2023年4月12日交的钱，去年3月份又交了一次，2021-05-06也有", "date")
    assert [d.value for d in dates] == ["2023-04-12", None, "2021-05-06"]
    assert dates[1].attrs["relative"] == "去年" and dates[1].attrs["month"] == 3


def test_spans_index_the_normalised_text():
    text = "嗯，那个，村支書王某扣了三千五"
    from classifiers.normalize import normalize

    clean = normalize(text)
    for entity in extract_entities(text):
        assert clean[entity.start:entity.end] == entity.text


def test_spans_never_cross():
    entities = extract_entities("石桥镇红旗村支书王某某收了三千五，电话13812345678")
    for a in entities:
        for b in entities:
            crossing = a.start < b.start < a.end < b.end
            assert not crossing, (a, b)


def test_it_returns_nothing_for_empty_text():
    assert extract_entities("") == []


def test_offsets_map_the_normalised_text_back_to_the_raw_text():
    from classifiers.normalize import normalize_with_offsets

    for raw in ("嗯，那个，村支書王某扣了三千五。。。", "  低保\r\n\r\n\t问题 ", "e\u0301低保", "", "😀１２３"):
        text, offsets = normalize_with_offsets(raw)
        assert text == normalize(raw)
        assert len(offsets) == len(text)
        assert offsets == sorted(offsets)


def test_triage_entities_carry_their_span_in_the_raw_text(triage):
    raw = "嗯，那个，村支書王某扣了三千五，電話１３８１２３４５６７８"
    result = triage.classify(raw)
    spans = {e.kind: raw[e.raw_start:e.raw_end] for e in result.entities}
    assert spans["person"] == "村支書王某"
    assert spans["phone"] == "１３８１２３４５６７８"
    assert spans["amount"] == "三千五"
    assert result.entities[0].to_dict()["raw_span"] == [e for e in result.entities][0].to_dict()["raw_span"]


@pytest.mark.parametrize("text, level", [
    ("村里管低保的把我的名额给了别人", "village_cadre"),
    ("村上管事的把补贴扣了", "village_cadre"),
    ("镇里管产业的把扶贫资金挪去修办公楼", "township_cadre"),
    ("县民宗委的人截留项目资金", "county_department"),
    # where the caller complained is not who is accused
    ("我跑到县民政局反映过，村里管低保的不理", "village_cadre"),
    ("我向镇里反映过，村支书还是不管", "village_cadre"),
])
def test_the_accused_level_comes_from_units_and_roles_without_a_title(text, level):
    assert summarize_accused_level(extract_entities(text)) == level


@pytest.mark.parametrize("text, level", [
    # a county unit's station head is county level, though 站长/所长 alone read as township
    ("县畜牧兽医站站长桑某把2000只扶贫鸡挪给公司卖了", "county_department"),
    ("县畜牧兽医站的桑站长挪用扶贫资金", "county_department"),
    ("举报县农技站站长，扶贫种苗款没发", "county_department"),
    # a township's station heads stay township; 市场监管所 is a township's, not the city's
    ("镇林业站站长李某克扣补贴", "township_cadre"),
    ("市场监管所所长王某收了好处费", "township_cadre"),
    # a 第一书记 works in the village, whoever sent him
    ("市里派来的驻村第一书记经常不在村", "village_cadre"),
])
def test_a_title_takes_the_level_of_the_unit_it_heads(text, level):
    assert summarize_accused_level(extract_entities(text)) == level
