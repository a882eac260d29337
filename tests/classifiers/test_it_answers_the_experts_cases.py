"""The expert's texts from issue 19, and what the operator sees must agree with itself."""
import pytest


@pytest.mark.parametrize("text, problem_type", [
    ("村里每户扣三五百统筹", "misappropriation"),  # 克扣 is 截留挪用 (DOMAIN.md), not 吃拿卡要
    ("村长贪污", "embezzlement"),
    ("镇长把产业扶贫的钱挪去修镇政府大院了", "misappropriation"),
    ("乡干部发危房补助要收好处费", "extortion"),
])
def test_the_money_types_follow_the_definitions(triage, text, problem_type):
    assert triage.classify(text).problem_type == problem_type


@pytest.mark.parametrize("text", ["村长贪污", "村支书贪污了", "村里每户扣三五百统筹"])
def test_a_programme_is_not_invented_when_the_text_names_none(triage, text):
    assert triage.classify(text).program == "other"


@pytest.mark.parametrize("text, level", [
    ("村长贪污", "village_cadre"), ("村支书把低保给了他弟弟", "village_cadre"),
    ("镇长把产业扶贫的钱挪去修镇政府大院了", "township_cadre"), ("乡干部发危房补助要收好处费", "township_cadre"),
    ("县民政局局长把低保名额给了亲戚", "county_department"), ("县水利局的人把饮水工程款挪用了", "county_department"),
    ("尊敬的县纪委领导：青山村村支书王某把危房补助扣了一半", "village_cadre"),
    # a township's misuse of industry funds, said without a title: routed to the township
    ("镇里把产业扶贫的钱挪去修办公楼了", "township_cadre"),
    ("乡政府把种养殖补助挪用了，我们去县农业农村局反映过", "township_cadre"),
    ("镇上管产业的把扶贫鸡苗款扣了一半", "township_cadre"),
])
def test_the_accused_level_comes_from_the_text(triage, text, level):
    assert triage.classify(text).accused_level == level


@pytest.mark.parametrize("text", [
    "石桥镇红旗村村主任把他弟弟报成低保户，他弟弟在县城开店，死了的老人也还在领低保。",
    "村里每户扣三五百统筹，说是上面要的，村会计也收了好处费。",
])
def test_the_primary_is_the_most_probable_and_the_confidence_is_a_shown_probability(triage, text):
    result = triage.classify(text)
    shown = result.primary_probabilities
    assert result.problem_type == max(shown, key=shown.get)
    assert abs(sum(shown.values()) - 1) < 0.01
    program_p = result.program_probabilities[result.program]
    assert result.confidence == min(shown[result.problem_type], program_p)
    basis_p = shown[result.problem_type] if result.confidence_basis == "problem_type" else program_p
    assert result.confidence == basis_p
    assert result.low_confidence == (result.confidence < triage.low_confidence_threshold)
