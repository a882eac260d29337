"""A typical call, logged from the keyboard only: the browser test replays it, the page
benchmark counts its keystrokes (bench/bench_pages.py), so the reported figure is the tested one.

Each step is ("type", text) or ("press", key). The form opens with the cursor in 来电号码.
"""
from __future__ import annotations

PHONE = "13812345678"
NAME = "李秀兰"
TEXT = "反映石桥镇红旗村村支书王某把低保名额给了自己侄子，侄子家有小车，每月领三百元。"

STEPS: list[tuple[str, str]] = [
    ("type", PHONE),            # 来电号码 (focused when the form opens)
    ("press", "Tab"),           # 匿名举报 (left unticked)
    ("press", "Tab"),           # 反映人姓名
    ("type", NAME),
    ("press", "Tab"),           # 反映内容
    ("type", TEXT),
    ("press", "Tab"),           # 乡镇
    ("press", "ArrowDown"),     #   石桥镇 (first in the list)
    ("press", "Tab"),           # 村（社区）: only 石桥镇's villages are offered now
    ("press", "ArrowDown"),     #   红旗村
    ("press", "Tab"),           # 被反映人
    ("type", "王某"),
    ("press", "Tab"),           # 职务
    ("type", "村支书"),
    ("press", "Tab"),           # 层级
    ("press", "ArrowDown"),     #   村干部
    ("press", "Tab"),           # 所涉领域: left to the classifier
    ("press", "Tab"),           # 涉及金额
    ("type", "3600"),
    ("press", "Control+Enter"),  # save
]


def keystrokes(steps: list[tuple[str, str]] = STEPS) -> dict[str, int]:
    """Keys pressed: navigation/commands, ASCII characters typed, Chinese characters typed.

    A chord (Control+Enter) counts as one; each Chinese character counts as one here, though an
    operator's pinyin input method needs about two to four keys for it.
    """
    counts = {"control": 0, "ascii": 0, "chinese": 0}
    for kind, value in steps:
        if kind == "press":
            counts["control"] += 1
        else:
            counts["ascii"] += sum(1 for ch in value if ord(ch) < 128)
            counts["chinese"] += sum(1 for ch in value if ord(ch) >= 128)
    counts["total"] = counts["control"] + counts["ascii"] + counts["chinese"]
    return counts
