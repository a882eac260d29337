"""The four forms: the grade-to-form table, heaviest per person and matter, 人 and 人次, 未注明."""
from __future__ import annotations

import datetime as dt

import pytest

from hotline.cases import four_forms
from models.outcomes import MeasureGrade, MeasureKind
from tests.outcomes.conftest import DAY

START, END = DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=1)


def table(db) -> dict:
    return {row.form: (row.people, row.measures) for row in four_forms.forms_table(db, START, END)}


@pytest.mark.parametrize("kind, grade, form", [
    ("criticism", None, 1), ("reminder_talk", None, 1), ("inquiry", None, 1), ("admonishing_talk", None, 1),
    ("party_sanction", "warning", 2), ("party_sanction", "serious_warning", 2),
    ("government_sanction", "warning", 2), ("government_sanction", "demerit", 2),
    ("government_sanction", "major_demerit", 2), ("organisational", "post_adjustment", 2),
    ("party_sanction", "removal_from_party_post", 3), ("party_sanction", "party_probation", 3),
    ("party_sanction", "party_expulsion", 3), ("government_sanction", "demotion", 3),
    ("government_sanction", "dismissal", 3), ("government_sanction", "discharge", 3),
    ("organisational", "removal", 3), ("prosecution", None, 4), ("party_sanction", "unspecified", None),
])
def test_each_measure_counts_in_its_form_in_sql(db, measure, kind, grade, form):
    measure(kind, grade)
    counts = table(db)
    assert counts[form] == (1, 1)
    assert sum(p for p, _ in counts.values()) == 1


def test_every_graded_kind_offers_its_grades_and_never_unspecified():
    assert [t.label for t in four_forms.grades_of(MeasureKind.party_sanction)] == [
        "党内警告", "党内严重警告", "撤销党内职务", "留党察看", "开除党籍"]
    assert [t.label for t in four_forms.grades_of(MeasureKind.government_sanction)] == [
        "政务警告", "记过", "记大过", "降级", "撤职", "开除"]
    for kind in MeasureKind:
        assert all(t.grade is not MeasureGrade.unspecified for t in four_forms.grades_of(kind))


def test_a_person_with_several_measures_counts_once_in_the_heaviest_form(db, measure):
    measure("criticism", None)
    measure("party_sanction", "serious_warning")
    measure("government_sanction", "dismissal")
    measure("criticism", None, "李某")
    counts = table(db)
    assert counts[3] == (1, 1) and counts[2] == (0, 1) and counts[1] == (1, 2)
    assert four_forms.sanctioned_people(db, START, END) == 1  # 党纪 and 政务 for one person: once
    assert four_forms.sanctions_count(db, START, END) == 2


def test_an_unspecified_grade_is_settled_only_by_a_heavier_known_measure(db, measure):
    measure("party_sanction", "unspecified", "王某")
    measure("criticism", None, "王某")  # heaviest known: first form; the 处分 may be 2nd or 3rd
    measure("organisational", "unspecified", "李某")
    measure("prosecution", None, "李某")  # fourth form settles it
    counts = table(db)
    assert counts[None] == (1, 2) and counts[4] == (1, 1) and counts[1] == (0, 1)


def test_a_reversed_measure_stops_counting_from_its_reversal(db, measure):
    measure("party_sanction", "warning", reversed_at=DAY + dt.timedelta(hours=2))
    assert table(db)[2] == (0, 0)
    later = four_forms.forms_table(db, START, DAY + dt.timedelta(hours=1))
    assert (later[1].people, later[1].measures) == (1, 1)  # as it stood before the reversal


def test_measures_outside_the_period_do_not_count(db, measure):
    measure("criticism", None, at=END)
    measure("criticism", None, "李某", at=START - dt.timedelta(seconds=1))
    assert table(db)[1] == (0, 0)


def test_the_documented_table_is_the_table_in_the_code():
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "workflow.md").read_text(encoding="utf-8")
    for t in four_forms.MEASURE_TABLE:
        grade = f"`{t.grade.value}`" if t.grade else "—"
        form = str(t.form) if t.form else ("未注明" if t.grade is MeasureGrade.unspecified else "— (its 处分 counts)")
        assert f"| `{t.kind.value}` | {grade} | {t.label} | {form} | {t.influence_months or ''} |" in doc
