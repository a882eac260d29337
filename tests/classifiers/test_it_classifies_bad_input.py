"""The bad inputs listed in the issue: no crash, a low-confidence answer, invalid IDs reported."""
import pytest


@pytest.mark.parametrize("text", ["", "   ", "。。。！！！", "😀😀😀🙏", "?!?!", "The village head kept my subsidy card."])
def test_it_answers_other_with_low_confidence_when_there_is_nothing_chinese(triage, text):
    result = triage.classify(text)
    assert result.problem_type == "other"
    assert result.program == "other"
    assert result.low_confidence is True
    assert result.confidence == 0.0
    assert result.review_reason


def test_it_handles_fifty_thousand_characters(triage):
    text = "村支书把我家的低保金扣了，" * 4_000  # 52,000 characters
    result = triage.classify(text)
    assert len(result.text) <= 20_000
    assert result.program == "dibao"


def test_it_classifies_mixed_traditional_and_simplified_like_simplified(triage):
    traditional = triage.classify("村支書王某把我家的低保金扣了三千五，說是辦手續的錢")
    simplified = triage.classify("村支书王某把我家的低保金扣了三千五，说是办手续的钱")
    assert traditional.text == simplified.text
    assert traditional.problem_types == simplified.problem_types


def test_it_reports_an_id_number_with_a_wrong_check_character_as_invalid(triage):
    result = triage.classify("我的身份证号是110105194912310021，低保被村里取消了")
    (id_entity,) = [e for e in result.entities if e.kind == "id_number"]
    assert id_entity.attrs["valid"] is False
    assert "校验码" in id_entity.attrs["error"]


def test_it_accepts_non_string_input(triage):
    assert triage.classify(None).low_confidence is True
    assert len(triage.classify_many([None, 42, "低保"])) == 3


def test_it_gives_probabilities_that_sum_to_one_for_the_programme(triage):
    result = triage.classify("危房改造补助两万元被镇干部截留了一半")
    assert sum(result.program_probabilities.values()) == pytest.approx(1.0, abs=1e-3)
    assert set(result.problem_types) >= {result.problem_type}
    assert 0.0 <= result.confidence <= 1.0


@pytest.mark.parametrize("text", ["王某" * 25_000, "12月" * 20_000, "一" * 50_000, "\n" * 50_000])
def test_it_stays_fast_and_bounded_on_repetitive_input(triage, text):
    result = triage.classify(text)
    assert len(result.entities) <= 300
