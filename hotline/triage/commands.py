"""Triage commands: `python -m hotline classify` and `python -m hotline model train|evaluate`.

The classifiers package does the work; these commands only read input, pick the models
folder (settings MODELS_DIR, else $MODELS_DIR, else instance/models) and print.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import click
from flask import Flask, current_app, has_app_context

NO_MODEL_MESSAGE = "尚无可用的分类模型：请先运行 `python -m hotline model train`（或加 --train-if-missing 现场训练）"


def models_dir_option(function):
    """--models-dir, defaulting to the configured folder."""
    return click.option(
        "--models-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="模型目录（默认：配置 MODELS_DIR，其次环境变量 MODELS_DIR，再次 instance/models）",
    )(function)


def resolve_models_dir(option: Path | None) -> Path:
    """The --models-dir option, else the app's settings, else the environment default."""
    from classifiers.artifact import default_models_dir

    if option is not None:
        return option
    if has_app_context():
        settings = current_app.config.get("SETTINGS")
        if settings is not None and getattr(settings, "MODELS_DIR", None):
            return Path(settings.MODELS_DIR)
    return default_models_dir()


def read_texts(stream: IO[str]) -> Iterator[str]:
    """One text per line; a line that is a JSON object contributes its "text" field."""
    for line in stream:
        line = line.rstrip("\r\n")
        stripped = line.lstrip()
        if stripped.startswith("{"):
            try:
                record = json.loads(stripped)
            except ValueError:
                yield line
                continue
            if isinstance(record, dict):
                text = record.get("text")
                yield text if isinstance(text, str) else ""
                continue
        yield line


def confirmed_examples() -> list[dict]:
    """Labels inspectors confirmed, supplied by the app (`hotline.triage.service`).

    The app provides `confirmed_examples(*, session) -> Iterable[dict]` yielding
    {"id", "text", "problem_types": [primary, ...], "program"}.
    """
    from hotline.triage.service import confirmed_examples as provider
    from hotline.db import get_session

    return list(provider(session=get_session()))


def _batches(items: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@click.command("classify")
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
@models_dir_option
@click.option("--train-if-missing", is_flag=True, help="没有模型时先用语料训练一个")
@click.option("--with-text", is_flag=True, help="输出中包含规范化后的文本（实体位置以此为准）")
def classify_command(file: IO[str], models_dir: Path | None, train_if_missing: bool, with_text: bool) -> None:
    """Classify texts from FILE (or stdin): one JSON object per input line."""
    from classifiers.artifact import ArtifactError, load_artifact, train_artifact

    folder = resolve_models_dir(models_dir)
    try:
        triage = load_artifact(folder)
    except ArtifactError as error:
        if not train_if_missing:
            raise click.ClickException(f"{NO_MODEL_MESSAGE}（{error}）") from error
        click.echo("正在训练模型……", err=True)
        train_artifact(folder)
        triage = load_artifact(folder)
    for batch in _batches(read_texts(file), 256):
        for result in triage.classify_many(batch):
            click.echo(json.dumps(result.to_dict(include_text=with_text), ensure_ascii=False))


@click.group("model")
def model_group() -> None:
    """Triage models: train and evaluate."""


@model_group.command("train")
@models_dir_option
@click.option("--no-extra", is_flag=True, help="不使用纪检干部确认的标注")
@click.option("--no-promote", is_flag=True, help="只生成模型，不设为当前模型")
def model_train(models_dir: Path | None, no_extra: bool, no_promote: bool) -> None:
    """Train on the corpus (+ confirmed labels) and write a versioned artifact."""
    from classifiers.artifact import train_artifact

    extra: list[dict] = []
    if not no_extra and has_app_context():
        try:
            extra = confirmed_examples()
        except Exception as error:  # a missing or unmigrated database: say so, do not guess
            raise click.ClickException(
                f"读取纪检干部确认的标注失败（{type(error).__name__}）；可加 --no-extra 仅用语料训练"
            ) from error
    corpus: dict[str, Path] = {}
    if has_app_context() and current_app.config.get("SETTINGS") is not None:
        from hotline.triage.jobs import training_corpus

        corpus = training_corpus(current_app.config["SETTINGS"].TRAINING_CORPUS_DIR)
    result = train_artifact(resolve_models_dir(models_dir), extra, promote_if_not_worse=not no_promote, **corpus)
    split = result.metadata["split"]
    click.echo(f"模型版本 {result.version} 已写入 {result.path}")
    click.echo(
        f"训练 {split['n_train']} 条（其中确认标注 {split['n_extra']} 条），留出测试 {split['n_test']} 条"
    )
    for target in ("problem_type", "program"):
        click.echo(f"{target} macro-F1 = {result.metrics[target]['macro_f1']:.4f}")
    click.echo(("已设为当前模型：" if result.promoted else "未设为当前模型：") + promotion_reason_zh(result.promotion_reason))


# The artifact module states its decisions in English (they are stored in the metadata);
# the operator reads them in Chinese.
_REASONS = {"forced": "按要求强制设为当前", "no current model": "此前没有当前模型",
            "already current": "已是当前模型", "not asked to promote": "未要求设为当前模型"}
_PREFIXES = {"current model unusable: ": "原当前模型无法使用：", "worse on held-out split: ": "留出集上不如当前模型："}


def promotion_reason_zh(reason: str) -> str:
    """The promotion decision in Chinese (unknown wording is shown as it is rather than hidden)."""
    if reason in _REASONS:
        return _REASONS[reason]
    for prefix, chinese in _PREFIXES.items():
        if reason.startswith(prefix):
            return chinese + reason[len(prefix):]
    return reason


@model_group.command("evaluate")
@models_dir_option
@click.option("--version", default=None, help="模型版本（默认：当前模型）")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def model_evaluate(models_dir: Path | None, version: str | None, as_json: bool) -> None:
    """Per-class P/R/F1, confusion matrices, macro-F1 with bootstrap intervals, on both
    held-out sets: the source-disjoint one (published cases never trained on) and the
    original split."""
    from classifiers.artifact import ArtifactError, load_artifact
    from classifiers.corpus import load_corpus, split_corpus
    from classifiers.evaluate import evaluate_split, format_split_report

    try:
        triage = load_artifact(resolve_models_dir(models_dir), version)
    except ArtifactError as error:
        raise click.ClickException(f"{NO_MODEL_MESSAGE}（{error}）") from error
    split = split_corpus(load_corpus())
    metrics = evaluate_split(triage, split)
    if as_json:
        click.echo(json.dumps(metrics, ensure_ascii=False, indent=1))
        return
    cases = len({e.case for e in split.source_test})
    click.echo(
        f"模型版本 {triage.version}；来源隔离测试集 {len(split.source_test)} 条（{cases} 个公开案例），"
        f"原留出测试集 {len(split.test)} 条"
    )
    click.echo(format_split_report(metrics))


COMMANDS = (classify_command, model_group)


def register(app: Flask) -> None:
    """Attach `classify` and `model` to the app's CLI."""
    for command in COMMANDS:
        app.cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    """Run the commands without the Flask app (`python -m hotline.triage.commands ...`)."""
    group = click.Group("triage", commands={c.name: c for c in COMMANDS})
    group.main(args=argv if argv is not None else sys.argv[1:], prog_name="python -m hotline.triage.commands")


if __name__ == "__main__":
    main()
