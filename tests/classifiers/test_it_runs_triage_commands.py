import json

from click.testing import CliRunner

from hotline.triage.commands import classify_command, model_group


def test_classify_writes_one_json_object_per_input_line(models_dir):
    lines = "村支书王某把我家的低保金扣了三千五\n" + json.dumps({"text": "危房改造补助被镇干部截留"}, ensure_ascii=False) + "\n\n"
    result = CliRunner().invoke(classify_command, ["--models-dir", str(models_dir)], input=lines)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == 3
    assert {"problem_type", "problem_types", "program", "program_probabilities", "confidence", "entities"} <= set(rows[0])
    assert rows[0]["program"] == "dibao"
    assert rows[2]["low_confidence"] is True


def test_classify_reads_a_file(models_dir, tmp_path):
    path = tmp_path / "texts.txt"
    path.write_text("营养餐补助被学校克扣\n", encoding="utf-8")
    result = CliRunner().invoke(classify_command, [str(path), "--models-dir", str(models_dir)])
    assert result.exit_code == 0
    assert json.loads(result.output)["program"] == "education"


def test_classify_says_in_chinese_to_train_first(tmp_path):
    result = CliRunner().invoke(classify_command, ["--models-dir", str(tmp_path)], input="低保\n")
    assert result.exit_code != 0
    assert "model train" in result.output and "尚无可用的分类模型" in result.output


def test_model_evaluate_prints_per_class_scores_and_the_confusion_matrix(models_dir):
    result = CliRunner().invoke(model_group, ["evaluate", "--models-dir", str(models_dir)])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output
    assert "confusion matrix" in result.output
    assert "favoritism" in result.output or "extortion" in result.output


def test_it_states_the_promotion_decision_in_chinese():
    from hotline.triage.commands import promotion_reason_zh

    assert promotion_reason_zh("no current model") == "此前没有当前模型"
    assert promotion_reason_zh("worse on held-out split: problem_type 0.8 < 0.9") == \
        "留出集上不如当前模型：problem_type 0.8 < 0.9"
