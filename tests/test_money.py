"""One money parser for typed fields (hotline/money.py): what people type, and what it refuses."""
import decimal

import pytest

from hotline import money


@pytest.mark.parametrize("typed, yuan", [
    ("3500", "3500.00"), ("3,500元", "3500.00"), ("￥1,200.00", "1200.00"), ("2.5万", "25000.00"),
    ("1.2万元", "12000.00"), ("三千五", "3500.00"), ("六百", "600.00"), ("兩萬元", "20000.00"),
    ("叁仟元", "3000.00"), ("一万二", "12000.00"), ("５００块", "500.00"), (" 800 元整 ", "800.00"),
    (1200, "1200.00"), (12.5, "12.50"), ("0", "0.00"), ("七千二百块钱", "7200.00"),
])
def test_it_reads_amounts_as_people_type_them(typed, yuan):
    assert money.parse_yuan(typed) == decimal.Decimal(yuan)


@pytest.mark.parametrize("typed, words", [
    ("很多钱", "金额格式不正确"), ("三百多", "不是确切金额"), ("两万左右", "不是确切金额"),
    ("-5", "格式不正确"), ("1e20", "格式不正确"), ("", "金额为空"), ("9999999999999", "超出范围"),
    (True, "格式不正确"), ("3500元5角", "格式不正确"),
])
def test_it_refuses_what_is_not_one_exact_amount_in_chinese(typed, words):
    with pytest.raises(ValueError, match=words):
        money.parse_yuan(typed)


def test_the_amount_to_record_from_a_text_is_its_largest():
    entities = [{"kind": "amount", "value": 600.0, "attrs": {"approximate": False}},
                {"kind": "person", "value": "王某"},
                {"kind": "amount", "value": 7200.0, "attrs": {"approximate": False}}]
    assert money.amount_from_entities(entities) == (decimal.Decimal("7200.00"), False)
    assert money.amount_from_entities([{"kind": "person", "value": "王某"}]) is None
