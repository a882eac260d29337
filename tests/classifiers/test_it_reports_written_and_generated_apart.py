"""model evaluate reports the source-disjoint set whole and split by how its complaints were written:
people's own words (written.jsonl) and the generator's templates (grounded.jsonl)."""

from dataclasses import replace

from classifiers.evaluate import evaluate_split, format_split_report


def test_the_source_disjoint_set_is_reported_whole_and_by_origin(triage, split):
    written = [e for e in split.source_test if e.origin == "written"][:30]
    generated = [e for e in split.source_test if e.origin is None][:50]
    small = replace(split, test=split.test[:20], source_test=written + generated)
    metrics = evaluate_split(triage, small, rounds=20)
    assert metrics["source_disjoint"]["problem_type"]["n"] == 80
    assert metrics["source_disjoint_written"]["problem_type"]["n"] == 30
    assert metrics["source_disjoint_generated"]["problem_type"]["n"] == 50
    report = format_split_report(metrics)
    assert report.index("SOURCE-DISJOINT") < report.index("WRITTEN") < report.index("GENERATED") < report.index("ORIGINAL")


def test_a_set_of_one_origin_is_not_reported_twice(triage, split):
    generated = [e for e in split.source_test if e.origin is None][:40]
    metrics = evaluate_split(triage, replace(split, test=split.test[:20], source_test=generated), rounds=20)
    assert "source_disjoint_written" not in metrics and "source_disjoint_generated" not in metrics
