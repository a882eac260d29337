"""The one confidence the case page and the review queue show, and its explanation.

A complaint's confidence is the lower of two probabilities, both shown on the case page: the
primary type's (the first row of the type table, which lists the probability of each type
being the primary one) and the programme's (the first row of the programme table). When the
operator chose the programme, only the type's probability counts. The review queue holds
complaints whose confidence is below the model's threshold — this same number.
"""

from __future__ import annotations

from models.complaints import Complaint
from models.taxonomy import Program, ProblemType

from classifiers.labels import PROBLEM_TYPES, PROGRAMS


def _percent(p: float) -> str:
    return f"{p * 100:.0f}%"


def confidence_note(complaint: Complaint) -> str | None:
    """Which shown probability the confidence is, in Chinese; None before classification."""
    if complaint.confidence is None:
        return None
    types = complaint.problem_type_scores or {}
    programs = complaint.program_scores or {}
    type_code = complaint.problem_type.value if isinstance(complaint.problem_type, ProblemType) else None
    program_code = complaint.program.value if isinstance(complaint.program, Program) else None
    type_p, program_p = types.get(type_code), programs.get(program_code)
    type_text = f"主要问题类型“{PROBLEM_TYPES.get(type_code, type_code)}”的概率"
    program_text = f"所涉领域“{PROGRAMS.get(program_code, program_code)}”的概率"
    if type_p is not None and abs(type_p - complaint.confidence) < 1e-9:
        other = f"；{program_text}为 {_percent(program_p)}，取两者中较低者" if program_p is not None else ""
        return f"置信度 {_percent(complaint.confidence)} = {type_text}{other}"
    if program_p is not None and abs(program_p - complaint.confidence) < 1e-9:
        other = f"；{type_text}为 {_percent(type_p)}，取两者中较低者" if type_p is not None else ""
        return f"置信度 {_percent(complaint.confidence)} = {program_text}{other}"
    # Labels changed by a person after classification: say so rather than pretend.
    return f"置信度 {_percent(complaint.confidence)}（分类时的模型结果，标签已由人工更改）"
