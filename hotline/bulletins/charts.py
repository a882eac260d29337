"""The bulletin's charts, drawn with matplotlib in a font that has Chinese glyphs.

The font is found by file (Debian's fonts-wqy-microhei or fonts-noto-cjk, or BULLETIN_FONT);
without one we refuse to draw rather than print empty boxes in a leader's document.
"""
from __future__ import annotations

import functools
import io
import threading
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ft2font import FT2Font  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from hotline.bulletins.tables import Figures  # noqa: E402

# File names in order of preference (Simplified Chinese faces first).
CJK_FONT_FILES = ("wqy-microhei.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansCJK-Regular.ttc",
                  "wqy-zenhei.ttc", "NotoSerifCJK-Regular.ttc", "NotoSansSC-Regular.otf",
                  "SourceHanSansSC-Regular.otf")
PROBE = "中国纪委监委扶贫热线通报"
RED = "#b3171b"
DPI = 150
# rcParams are process-wide: one chart at a time, so a thread leaving its rc_context never resets
# the font under another thread's texts (drawing holds the GIL anyway).
_DRAWING = threading.RLock()


class FontMissing(RuntimeError):
    """No font with Chinese glyphs: the bulletin's charts cannot be drawn."""


def has_glyphs(path: str | Path, text: str = PROBE) -> bool:
    """Whether the font file maps every character of `text` to a real glyph."""
    try:
        font = FT2Font(str(path))
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(ch)) != 0 for ch in text)


def cjk_font_path(override: str | Path | None = None) -> Path:
    """The CJK font file to draw with; raises FontMissing (loudly) when there is none."""
    if override:
        if Path(override).is_file() and has_glyphs(override):
            return Path(override)
        raise FontMissing(f"BULLETIN_FONT={override} 不存在或不含中文字形")
    found = {Path(p).name: Path(p) for p in font_manager.findSystemFonts(fontext="ttf")}
    found.update({Path(p).name: Path(p) for p in font_manager.findSystemFonts(fontext="otf")})
    for name in CJK_FONT_FILES:
        if name in found and has_glyphs(found[name]):
            return found[name]
    raise FontMissing("找不到含中文字形的字体：请安装 fonts-wqy-microhei 或 fonts-noto-cjk（apt-get install），"
                      "或用 BULLETIN_FONT 指定字体文件路径")


class Charts:
    """Draws the bulletin's charts as PNG bytes with one CJK font.

    Drawing is kept cheap (a build draws four charts, the dashboard one per data change): the font
    is set once through rcParams rather than per label, margins are fixed from the label lengths
    instead of a layout engine measuring every text twice, and axes carry few ticks.
    """

    def __init__(self, font_path: str | Path | None = None):
        self.font_path = cjk_font_path(font_path)
        font_manager.fontManager.addfont(str(self.font_path))
        self.family = font_manager.FontProperties(fname=str(self.font_path)).get_name()
        self.rc = {"font.family": [self.family], "font.size": 9, "axes.spines.top": False,
                   "axes.spines.right": False, "axes.titlesize": 13, "legend.fontsize": 8,
                   "legend.frameon": False, "savefig.facecolor": "white"}

    def _png(self, figure: Figure) -> bytes:
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})  # no version stamp
        return buffer.getvalue()

    def title_only(self, text: str) -> bytes:
        """A blank figure with a title: used to prove the font draws Chinese."""
        with _DRAWING, matplotlib.rc_context(self.rc):
            figure = Figure(figsize=(4, 1), dpi=DPI)
            figure.suptitle(text, fontsize=16)
            return self._png(figure)

    def bars(self, title: str, labels: list[str], week: list[int], ytd: list[int]) -> bytes:
        """Horizontal bars: this week and the year to date side by side."""
        width, height = 7.0, 0.9 + 0.38 * max(len(labels), 1)
        with _DRAWING, matplotlib.rc_context(self.rc):
            figure = Figure(figsize=(width, height), dpi=DPI)
            label_inches = (max((_text_width(label) for label in labels), default=1) * 9 + 12) / 72
            figure.subplots_adjust(left=min(label_inches / width, 0.4), right=0.95, top=1 - 0.62 / height,
                                   bottom=0.32 / height, wspace=0.12)
            left, right = figure.subplots(1, 2, sharey=True)
            positions = list(range(len(labels)))[::-1]
            for axes, values, name, colour in ((left, week, "本周", RED), (right, ytd, "本年累计", "#6a737d")):
                bars = axes.barh(positions, values, color=colour)
                axes.bar_label(bars, padding=3, fontsize=8)
                axes.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
                axes.set_xlim(0, max(max(values, default=0), 1) * 1.18)  # room for the value labels
                axes.set_yticks(positions, labels)
                axes.set_title(name)
            figure.suptitle(title, fontsize=13)
            return self._png(figure)

    def trend(self, title: str, points: list[dict]) -> bytes:
        """Lines of weekly contacts, clues, new and closed cases."""
        with _DRAWING, matplotlib.rc_context(self.rc):
            figure = Figure(figsize=(7.0, 3.4), dpi=DPI)
            figure.subplots_adjust(left=0.08, right=0.98, top=0.88, bottom=0.1)
            axes = figure.subplots()
            weeks = [p["week"][-3:] for p in points]
            for key, name, colour in (("contacts", "来电来信", RED), ("clues", "问题线索", "#0969da"),
                                      ("cases_opened", "新办案件", "#1a7f37"), ("cases_closed", "办结案件", "#9a6700")):
                axes.plot(weeks, [p[key] for p in points], marker="o", markersize=3, label=name, color=colour)
            axes.legend(loc="upper left", ncols=4)
            top = max((p[k] for p in points for k in ("contacts", "clues", "cases_opened", "cases_closed")), default=0)
            axes.set_ylim(0, max(top, 1) * 1.15)  # room for the legend above the lines
            axes.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
            axes.set_title(title)
            return self._png(figure)


def _text_width(text: str) -> float:
    """A label's width in ems: a Chinese character is one em, other characters about half."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in text)


@functools.lru_cache(maxsize=4)
def drawer(font_path: str | None = None) -> Charts:
    """A Charts for this font setting, made once per process (finding the font lists the system's fonts)."""
    return Charts(font_path)


def _breakdown(figures: Figures, key: str) -> tuple[list[str], list[int], list[int]]:
    table = figures.table(key)
    rows = [row for row in table.rows if row[0] != "合计"]
    return [row[0] for row in rows], [row[1] for row in rows], [row[3] for row in rows]


CHARTS = (("channels", "来电来信渠道分布"), ("problem_types", "问题线索类型分布"),
          ("programs", "问题线索领域分布"), ("trend", "近12周趋势"))


def draw_all(figures: Figures, *, font_path: str | Path | None = None) -> dict[str, bytes]:
    """{chart name: PNG bytes} for every chart in the bulletin."""
    charts = drawer(str(font_path) if font_path else None)
    images = {}
    for key, title in CHARTS:
        if key == "trend":
            images[key] = charts.trend(title, figures.trend)
        else:
            images[key] = charts.bars(title, *_breakdown(figures, key))
    return images
