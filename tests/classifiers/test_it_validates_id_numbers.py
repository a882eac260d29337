import datetime as dt

from classifiers.idnumber import check_character, upgrade_15, validate


def test_it_accepts_the_standard_example():
    result = validate("11010519491231002X")
    assert result.valid
    assert result.birth_date == dt.date(1949, 12, 31)
    assert result.sex == "female"
    assert result.error is None


def test_it_accepts_lowercase_x_spaces_and_fullwidth_digits():
    for raw in ("11010519491231002x", "110105 19491231 002X", "１１０１０５１９４９１２３１００２ｘ"):
        result = validate(raw)
        assert result.valid, raw
        assert result.normalized == "11010519491231002X"


def test_it_rejects_a_wrong_check_character_with_the_expected_one():
    result = validate("110105194912310021")
    assert not result.valid
    assert result.error == "校验码错误：末位应为X，实际为1"
    assert result.normalized == "110105194912310021"


def test_it_rejects_an_impossible_birth_date():
    assert "出生日期" in validate("110105194913310020").error


def test_it_rejects_a_future_birth_date():
    first17 = "11010520990101001"
    result = validate(first17 + check_character(first17), today=dt.date(2025, 1, 1))
    assert "出生日期" in result.error


def test_it_rejects_an_unknown_province():
    first17 = "99010519491231002"
    assert "地区码" in validate(first17 + check_character(first17)).error


def test_it_rejects_wrong_lengths_and_characters():
    assert "18位" in validate("12345").error
    assert "非法字符" in validate("1101051949123100AX").error
    assert not validate(None).valid


def test_it_upgrades_fifteen_digit_numbers():
    assert upgrade_15("110105491231002") == "11010519491231002X"
    result = validate("110105491231002")
    assert result.valid and result.upgraded_from_15
    assert result.normalized == "11010519491231002X"


def test_it_reads_sex_from_the_seventeenth_digit():
    first17 = "43012419800101001"
    assert validate(first17 + check_character(first17)).sex == "male"
